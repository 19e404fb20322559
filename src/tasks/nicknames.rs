//! Sports clubs' nicknames: "the Reds" is Liverpool, "Barca" is Barcelona. Sports reports
//! name a club by its nickname as often as by its name, and no rule on the letters can tell
//! (nothing in "Barca" spells "Barcelona", nothing in "Gunners" spells "Arsenal"); this is
//! knowledge, kept like the countries' demonyms in `gazetteer`. A nickname only ever joins a
//! club the article itself names, and only when exactly one of its clubs is there ("the Reds"
//! beside Liverpool and Nottingham Forest stays as it is).

use super::actors::{Actor, ActorKind};
use super::orgs::{fold_into_only_fit, org_key};

/// One club: the names an article's actor for it may carry (legal forms aside, `org_key`)
/// and the nicknames that stand for it.
struct Club {
    names: &'static [&'static str],
    nicknames: &'static [&'static str],
}

const fn club(names: &'static [&'static str], nicknames: &'static [&'static str]) -> Club {
    Club { names, nicknames }
}

/// English, Scottish and Welsh football clubs, the main European ones, and English rugby
/// clubs. Nicknames that are ordinary words or the name of another kind of body ("United",
/// "Wednesday", "Rangers", "Well") are left out: they would need a reading this list cannot do.
const CLUBS: &[Club] = &[
    club(&["Arsenal"], &["Gunners"]),
    club(&["Aston Villa"], &["Villa", "Villans"]),
    club(&["Bournemouth", "AFC Bournemouth"], &["Cherries"]),
    club(&["Brentford"], &["Bees"]),
    club(
        &[
            "Brighton",
            "Brighton & Hove Albion",
            "Brighton and Hove Albion",
        ],
        &["Seagulls"],
    ),
    club(&["Burnley"], &["Clarets"]),
    club(&["Chelsea"], &["Blues"]),
    club(&["Crystal Palace"], &["Palace", "Eagles"]),
    club(&["Everton"], &["Toffees", "Blues"]),
    club(&["Fulham"], &["Cottagers"]),
    club(&["Leeds", "Leeds United"], &["Whites", "Peacocks"]),
    club(&["Leicester", "Leicester City"], &["Foxes"]),
    club(&["Liverpool"], &["Reds"]),
    club(&["Manchester City", "Man City"], &["Citizens", "Sky Blues"]),
    club(
        &["Manchester United", "Man United", "Man Utd"],
        &["Red Devils"],
    ),
    club(&["Newcastle", "Newcastle United"], &["Magpies", "Toon"]),
    club(&["Nottingham Forest"], &["Forest", "Reds"]),
    club(&["Sheffield United"], &["Blades"]),
    club(&["Sheffield Wednesday"], &["Owls"]),
    club(&["Southampton"], &["Saints"]),
    club(
        &["Tottenham", "Tottenham Hotspur"],
        &["Spurs", "Lilywhites"],
    ),
    club(&["West Ham", "West Ham United"], &["Hammers", "Irons"]),
    club(&["Wolves", "Wolverhampton Wanderers"], &["Wolves"]),
    club(
        &["West Brom", "West Bromwich Albion"],
        &["Baggies", "Throstles"],
    ),
    club(&["Stoke", "Stoke City"], &["Potters"]),
    club(&["Swansea", "Swansea City"], &["Swans", "Jacks"]),
    club(&["Cardiff", "Cardiff City"], &["Bluebirds"]),
    club(&["Hull", "Hull City"], &["Tigers"]),
    club(&["Sunderland"], &["Black Cats"]),
    club(&["Middlesbrough"], &["Boro"]),
    club(&["Norwich", "Norwich City"], &["Canaries"]),
    club(&["Watford"], &["Hornets"]),
    club(&["Queens Park Rangers", "QPR"], &["Hoops"]),
    club(&["Derby", "Derby County"], &["Rams"]),
    club(&["Ipswich", "Ipswich Town"], &["Tractor Boys", "Blues"]),
    club(&["Blackburn", "Blackburn Rovers"], &["Rovers"]),
    club(&["Bolton", "Bolton Wanderers"], &["Trotters"]),
    club(&["Reading"], &["Royals"]),
    club(&["Millwall"], &["Lions"]),
    club(&["Charlton", "Charlton Athletic"], &["Addicks"]),
    club(&["Wigan", "Wigan Athletic"], &["Latics"]),
    club(&["Oldham", "Oldham Athletic"], &["Latics"]),
    club(&["Huddersfield", "Huddersfield Town"], &["Terriers"]),
    club(&["Birmingham", "Birmingham City"], &["Blues"]),
    club(&["Coventry", "Coventry City"], &["Sky Blues"]),
    club(&["Bristol City"], &["Robins"]),
    club(&["Preston", "Preston North End"], &["Lilywhites"]),
    club(&["Portsmouth"], &["Pompey"]),
    club(&["Blackpool"], &["Seasiders", "Tangerines"]),
    club(&["Barnsley"], &["Tykes"]),
    club(&["Hereford", "Hereford United"], &["Bulls"]),
    club(&["Peterborough", "Peterborough United"], &["Posh"]),
    club(&["Southend", "Southend United"], &["Shrimpers"]),
    club(&["Plymouth", "Plymouth Argyle"], &["Argyle", "Pilgrims"]),
    club(&["Exeter", "Exeter City"], &["Grecians"]),
    club(&["Gillingham"], &["Gills"]),
    club(&["Lincoln", "Lincoln City"], &["Imps"]),
    club(&["Yeovil", "Yeovil Town"], &["Glovers"]),
    club(&["Walsall"], &["Saddlers"]),
    club(&["Port Vale"], &["Valiants"]),
    club(&["Newport County"], &["Exiles"]),
    club(&["Wrexham"], &["Red Dragons"]),
    club(&["Celtic"], &["Bhoys", "Hoops"]),
    club(&["Rangers"], &["Gers", "Light Blues"]),
    club(&["Aberdeen"], &["Dons", "Reds"]),
    club(&["MK Dons", "Milton Keynes Dons"], &["Dons"]),
    club(&["Dundee"], &["Dark Blues"]),
    club(&["Dundee United"], &["Terrors", "Arabs", "Tangerines"]),
    club(&["Hearts", "Heart of Midlothian"], &["Jambos", "Jam Tarts"]),
    club(&["Hibernian", "Hibs"], &["Hibs", "Hibees"]),
    club(&["Kilmarnock"], &["Killie"]),
    club(&["Motherwell"], &["Steelmen"]),
    club(&["St Johnstone"], &["Saints"]),
    club(&["St Mirren"], &["Buddies", "Saints"]),
    club(
        &["Inverness Caledonian Thistle", "Inverness CT", "Inverness"],
        &["Caley Thistle", "Caley Jags"],
    ),
    club(&["Ross County"], &["Staggies"]),
    club(&["Partick Thistle", "Partick"], &["Jags"]),
    club(&["Hamilton", "Hamilton Academical"], &["Accies"]),
    club(&["Falkirk"], &["Bairns"]),
    club(&["Dunfermline", "Dunfermline Athletic"], &["Pars"]),
    club(&["Barcelona"], &["Barca", "Barça", "Blaugrana"]),
    club(&["Real Madrid"], &["Los Blancos", "Merengues"]),
    club(
        &["Atletico Madrid", "Atlético Madrid"],
        &["Atleti", "Rojiblancos"],
    ),
    club(&["Borussia Dortmund", "Dortmund"], &["BVB"]),
    club(&["Bayern Munich", "Bayern"], &["Bavarians"]),
    club(&["Juventus"], &["Juve", "Bianconeri", "Old Lady"]),
    club(&["AC Milan", "Milan"], &["Rossoneri"]),
    club(&["Inter Milan", "Inter", "Internazionale"], &["Nerazzurri"]),
    club(
        &[
            "Paris Saint-Germain",
            "Paris St-Germain",
            "Paris St Germain",
        ],
        &["PSG"],
    ),
    club(&["Harlequins"], &["Quins"]),
    club(&["Saracens"], &["Sarries"]),
    club(&["Leicester Tigers"], &["Tigers"]),
    club(&["Northampton Saints", "Northampton"], &["Saints"]),
    club(&["Exeter Chiefs"], &["Chiefs"]),
];

/// Whether `name` is a club of the list: "Crystal Palace" and "Queens Park Rangers" are
/// clubs although their words name a venue.
pub(super) fn is_club_name(name: &str) -> bool {
    CLUBS.iter().any(|c| c.names.contains(&name))
}

/// The clubs `name` ("Reds", "the Reds") is a nickname of.
fn clubs_nicknamed(name: &str) -> impl Iterator<Item = &'static Club> + '_ {
    let bare = name
        .strip_prefix("the ")
        .or_else(|| name.strip_prefix("The "))
        .unwrap_or(name);
    CLUBS.iter().filter(move |c| c.nicknames.contains(&bare))
}

/// Whether the actor named `nickname` is the organization `club` by a known nickname.
fn is_nickname_of(nickname: &Actor, club: &Actor) -> bool {
    let key = org_key(&club.name);
    club.kind != ActorKind::Person
        && nickname.name != club.name
        && clubs_nicknamed(&nickname.name).any(|c| c.names.contains(&key.as_str()))
}

/// Folds every actor named by a club's nickname into that club, when the article names
/// exactly one of the clubs the nickname stands for.
pub(super) fn merge_nicknames(actors: &mut Vec<Actor>) {
    fold_into_only_fit(actors, is_nickname_of);
}
