//! A small gazetteer: countries with their demonyms, capitals used as metonyms, and
//! international bodies — the actors news text names most, with the aliases that refer to them.

use super::actors::ActorKind;

/// One known actor: canonical name, kind, and the strings that refer to it (case-sensitive).
pub struct Known {
    pub name: &'static str,
    pub kind: ActorKind,
    pub aliases: &'static [&'static str],
}

pub(crate) const fn gov(name: &'static str, aliases: &'static [&'static str]) -> Known {
    Known {
        name,
        kind: ActorKind::Government,
        aliases,
    }
}
const fn bloc(name: &'static str, aliases: &'static [&'static str]) -> Known {
    Known {
        name,
        kind: ActorKind::Bloc,
        aliases,
    }
}
const fn org(name: &'static str, aliases: &'static [&'static str]) -> Known {
    Known {
        name,
        kind: ActorKind::Organization,
        aliases,
    }
}

/// Every entry: the main ones, then every other sovereign state (`countries`).
pub fn known() -> impl Iterator<Item = &'static Known> {
    KNOWN.iter().chain(super::countries::COUNTRIES)
}

/// The entries, checked in order (longer, more specific names first within an entry).
pub const KNOWN: &[Known] = &[
    gov(
        "United States",
        &[
            "United States of America",
            "United States",
            "U.S.A.",
            "USA",
            "U.S.",
            "US",
            "America",
            "American",
            "Americans",
            "Washington",
        ],
    ),
    gov("France", &["France", "French", "Paris", "Élysée", "Elysee"]),
    gov("Niger", &["Niger", "Nigerien", "Nigeriens", "Niamey"]),
    gov("Nigeria", &["Nigeria", "Nigerian", "Nigerians", "Abuja"]),
    gov("Mali", &["Mali", "Malian", "Bamako"]),
    gov(
        "Burkina Faso",
        &["Burkina Faso", "Burkinabe", "Ouagadougou"],
    ),
    gov("Chad", &["Chad", "Chadian", "N'Djamena"]),
    gov("Senegal", &["Senegal", "Senegalese", "Dakar"]),
    gov("Algeria", &["Algeria", "Algerian", "Algiers"]),
    gov("Morocco", &["Morocco", "Moroccan", "Rabat"]),
    gov("Egypt", &["Egypt", "Egyptian", "Cairo"]),
    gov("Libya", &["Libya", "Libyan", "Tripoli"]),
    gov("Sudan", &["Sudan", "Sudanese", "Khartoum"]),
    gov("Ethiopia", &["Ethiopia", "Ethiopian", "Addis Ababa"]),
    gov("Kenya", &["Kenya", "Kenyan", "Nairobi"]),
    gov(
        "South Africa",
        &["South Africa", "South African", "Pretoria"],
    ),
    gov(
        "Russia",
        &["Russia", "Russian", "Russians", "Moscow", "Kremlin"],
    ),
    gov(
        "Ukraine",
        &["Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev"],
    ),
    gov("China", &["China", "Chinese", "Beijing"]),
    gov("Taiwan", &["Taiwan", "Taiwanese", "Taipei"]),
    gov("Japan", &["Japan", "Japanese", "Tokyo"]),
    gov("South Korea", &["South Korea", "South Korean", "Seoul"]),
    gov("North Korea", &["North Korea", "North Korean", "Pyongyang"]),
    gov("India", &["India", "Indian", "New Delhi"]),
    gov("Pakistan", &["Pakistan", "Pakistani", "Islamabad"]),
    gov("Afghanistan", &["Afghanistan", "Afghan", "Kabul"]),
    gov("Iran", &["Iran", "Iranian", "Tehran"]),
    gov("Iraq", &["Iraq", "Iraqi", "Baghdad"]),
    gov("Syria", &["Syria", "Syrian", "Damascus"]),
    gov("Israel", &["Israel", "Israeli", "Israelis", "Jerusalem"]),
    gov(
        "Saudi Arabia",
        &["Saudi Arabia", "Saudi Arabian", "Saudis", "Saudi", "Riyadh"],
    ),
    gov("Turkey", &["Turkey", "Türkiye", "Turkish", "Ankara"]),
    gov(
        "United Kingdom",
        &[
            "United Kingdom",
            "U.K.",
            "UK",
            "Britain",
            "British",
            "London",
            "Downing Street",
        ],
    ),
    gov("Germany", &["Germany", "German", "Berlin"]),
    gov("Italy", &["Italy", "Italian", "Rome"]),
    gov("Spain", &["Spain", "Spanish", "Madrid"]),
    gov("Poland", &["Poland", "Polish", "Warsaw"]),
    gov("Canada", &["Canada", "Canadian", "Ottawa"]),
    gov("Mexico", &["Mexico", "Mexican"]),
    gov("Brazil", &["Brazil", "Brazilian", "Brasilia"]),
    gov("Venezuela", &["Venezuela", "Venezuelan", "Caracas"]),
    gov("Cuba", &["Cuba", "Cuban", "Havana"]),
    gov("Australia", &["Australia", "Australian", "Canberra"]),
    bloc(
        "Economic Community of West African States",
        &["Economic Community of West African States", "ECOWAS"],
    ),
    bloc(
        "European Union",
        &["European Union", "E.U.", "EU", "Brussels"],
    ),
    bloc("African Union", &["African Union", "AU"]),
    bloc("NATO", &["North Atlantic Treaty Organization", "NATO"]),
    bloc("Group of Seven", &["Group of Seven", "G7", "G-7"]),
    bloc("Group of 20", &["Group of 20", "G20", "G-20"]),
    org("United Nations", &["United Nations", "U.N.", "UN"]),
    org(
        "UN Security Council",
        &[
            "UN Security Council",
            "U.N. Security Council",
            "Security Council",
        ],
    ),
    org(
        "International Monetary Fund",
        &["International Monetary Fund", "IMF"],
    ),
    org("World Bank", &["World Bank"]),
    org("UN refugee agency", &["UNHCR"]),
    org(
        "International Atomic Energy Agency",
        &["International Atomic Energy Agency", "IAEA"],
    ),
    org(
        "World Trade Organization",
        &["World Trade Organization", "WTO"],
    ),
    org("OPEC", &["OPEC"]),
    bloc("Arab League", &["Arab League"]),
    org("Hamas", &["Hamas"]),
    org("Hezbollah", &["Hezbollah"]),
    org("Taliban", &["Taliban"]),
    org(
        "World Health Organization",
        &["World Health Organization", "WHO"],
    ),
    org(
        "Conservative Party",
        &[
            "Conservative Party",
            "Conservatives",
            "Tories",
            "Tory party",
        ],
    ),
    org("Labour Party", &["Labour Party", "Labour"]),
    org("Liberal Democrats", &["Liberal Democrats", "Lib Dems"]),
    org(
        "Scottish National Party",
        &["Scottish National Party", "SNP"],
    ),
    org("UKIP", &["UK Independence Party", "UKIP"]),
    org("Democratic Party", &["Democratic Party", "Democrats"]),
    org(
        "Republican Party",
        &["Republican Party", "Republicans", "GOP"],
    ),
    org("US Congress", &["Congress"]),
    org("Pentagon", &["Pentagon"]),
    org("White House", &["White House"]),
    org("US State Department", &["State Department"]),
];

/// News organizations that appear as sources ("according to Reuters") rather than actors.
pub const NEWS_SOURCES: &[&str] = &[
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "CNN",
    "BBC",
    "Al Jazeera",
    "The New York Times",
    "New York Times",
    "The Washington Post",
    "Washington Post",
    "The Guardian",
    "Politico",
    "Axios",
    "Twitter",
    "X",
    "Antiwar.com",
    "Daily Mail",
    "MailOnline",
    "MailOnline Travel",
    "Sunday Times",
    "The Sunday Times",
    "Daily Telegraph",
    "The Daily Telegraph",
    "Telegraph",
    "Der Spiegel",
    "Spiegel Online",
    "Spiegel",
    "BBC Sport",
    "BBC Scotland",
    "BBC News",
    "BBC Wales",
    "Sky News",
    "Sky Sports",
    "ESPN",
    "KSL.com",
    "KSL",
    "Washington Examiner",
    "The Hollywood Reporter",
    "Hollywood Reporter",
    "Test Match Special",
    "Sun",
    "The Sun",
    "Sun on Sunday",
    "Mirror",
    "Daily Mirror",
    "The Times",
    "Financial Times",
    "The Independent",
    "Daily Express",
    "Evening Standard",
    "The Observer",
    "Daily Star",
    "Sportsmail",
    "New York Post",
    "Post",
    "Wall Street Journal",
    "The Wall Street Journal",
    "Press Association",
    "Fox News",
    "NBC News",
    "CBS News",
    "ABC News",
    "ITV News",
];
