//! Word lists the actor finder reads names with: titles, words that make a name an
//! organization, a government or a non-actor (venues, events, works), roles that mark the
//! name before them as an organization, and verbs that show a name acting. Plain data, so
//! a reader can see (and extend) every rule's vocabulary in one place.

/// Capitalized words that never start or make up a name.
#[rustfmt::skip]
pub const NOT_NAME_WORDS: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "Of", "For", "And", "But", "Or", "As", "If", "By", "To",
    "With", "From", "Into", "Under", "Over", "About", "Against", "Without", "Within", "Between",
    "According", "After", "Before", "During", "While", "When", "Since", "Following", "Despite",
    "Although", "Though", "Because", "So", "Yet", "Then", "Now", "Meanwhile", "However", "Also",
    "Earlier", "Later", "Last", "Next", "This", "That", "These", "Those", "There", "Here", "It",
    "Its", "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "My", "Your",
    "Who", "What", "Which", "Where", "Why", "How", "Whether", "All", "Some", "Many", "Most",
    "Both", "Each", "Every", "Other", "Another", "Such", "No", "Not", "Yes", "One", "Two", "Three",
    "First", "Second", "Third", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Easter", "Christmas", "Scroll", "Share",
    "Media", "Sorry", "Copy", "Email", "Facebook", "Messenger", "Twitter", "Pinterest", "WhatsApp",
    "Linkedin", "LinkedIn", "Instagram", "YouTube", "Author", "People", "Affairs", "Africa",
    "African", "Greater", "Upper", "Lower", "God", "BST", "GMT", "TV", "CEO", "MP", "MPs", "MSP",
    "PM", "OK", "DNA", "GP", "Mrs", "Mr", "Ms", "Dr", "Sir", "Lord", "Officials", "Prosecutors",
    "Judges", "Including", "Among", "Like", "Unlike", "Instead", "Once", "Until", "Unless", "Even",
    "Just", "Only", "Still", "Perhaps", "Indeed", "Asked", "Speaking", "Having", "Being",
    "Currently", "Already", "Together", "Hopefully", "Luckily", "Fortunately", "Sadly", "Overall",
    "Elsewhere", "State", "QC", "KC", "MEP", "OBE", "CBE", "MBE", "Unfortunately",
    "Unsurprisingly", "Interestingly", "Ultimately", "Crucially", "Importantly", "Clearly",
    "Obviously", "Additionally", "Subsequently", "Consequently", "Similarly", "Separately",
    "Eventually", "Apparently", "Nevertheless", "Nonetheless", "Furthermore", "Moreover",
    "Thankfully", "Ironically", "Notably", "Surprisingly", "Tragically", "GDP", "VAT", "PAYE",
    "Resident", "Residents",
];

/// Titles and offices that may precede a person's name and are not part of it ("Mr." and
/// "Mr" alike: the finder compares words without their final period).
#[rustfmt::skip]
pub const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame", "Lord", "Lady", "Justice", "Sheriff", "Judge",
    "Professor", "Prof", "President", "Prime", "Minister", "Chancellor", "Secretary", "General",
    "Gen", "Lt", "Col", "Colonel", "Maj", "Major", "Capt", "Captain", "Sgt", "Sergeant", "Adm",
    "Admiral", "Sen", "Senator", "Rep", "Gov", "Governor", "King", "Queen", "Prince", "Princess",
    "Pope", "Ambassador", "Deputy", "Chief", "Commander", "Leader", "Speaker", "Councillor",
    "Chairman", "Chairwoman", "Director", "Detective", "Inspector", "Constable", "Supt",
    "Superintendent", "Attorney", "Commissioner", "Rev", "Reverend", "Father", "Bishop",
    "Archbishop", "Mayor", "Former", "former", "Vice", "Foreign", "Finance", "Defence", "Defense",
    "Home", "Health", "Interior", "Executive", "Managing", "Assistant", "Coach", "Manager",
    "Presiding", "Officer", "Shopkeeper", "Actress", "Actor", "Comedian", "Striker", "Defender",
    "Midfielder", "Opener", "Centre-back", "Veteran", "Prosecutor", "Administrator", "Solicitor",
    "Barrister", "Lawyer", "Coroner", "Spokesman", "Spokeswoman", "Producer", "Editor",
    "Headteacher", "Campaigner", "Dame",
];

/// Letters written after a person's name ("Tristram Hunt MP, who …, said"): not part of it.
#[rustfmt::skip]
pub const POST_NOMINALS: &[&str] = &["MP", "MPs", "MSP", "MEP", "QC", "KC", "OBE", "CBE", "MBE"];

/// Organization words that name a kind of body, not one body, when they stand alone
/// ("Police said", "Parliament"): such a one-word name is no actor.
#[rustfmt::skip]
pub const PARTY_WORDS: &[&str] = &[
    "Labour", "Conservatives", "Tories", "Democrats", "Republicans", "Unionists", "Socialists",
    "Communists", "Greens", "Nationalists", "Liberals", "Celtic", "Rangers",
];

/// Lower-case nouns after a name that belong to it: "Tower Hamlets council".
#[rustfmt::skip]
pub const INSTITUTION_AFTER: &[&str] = &[
    "council", "government", "police", "authorities", "ministry", "party", "club",
];

/// Last words that make a name an organization (parties, clubs, companies, bodies).
#[rustfmt::skip]
pub const ORG_WORDS: &[&str] = &[
    "Party", "Democrats", "Dems", "Republicans", "Conservatives", "Tories", "Unionists",
    "Socialists", "Communists", "Greens", "Nationalists", "Liberals", "Labour", "Club", "FC",
    "AFC", "United", "City", "Rovers", "Villa", "Athletic", "Albion", "Wanderers", "Hotspur",
    "Rangers", "Celtic", "Thistle", "Ltd", "Plc", "PLC", "Inc", "Corp", "Corporation", "Group",
    "Company", "Bank", "Trust", "Foundation", "Association", "Federation", "Union", "Alliance",
    "Commission", "Agency", "Service", "Services", "Survey", "Authority", "Board", "Institute",
    "University", "College", "Society", "Forum", "Brotherhood", "Court", "Police", "Chamber",
    "Commerce", "Network", "Airways", "Airlines", "Motors", "Resources", "Energy", "Industries",
    "Holdings", "Studios", "Studies", "Office", "Organisation", "Organization", "Council",
    "Ministry", "Department", "Government", "Administration", "Parliament", "Assembly", "Cabinet",
    "Senate", "Congress", "Committee", "Treasury", "Army", "Navy", "Forces", "Junta", "Coastguard",
    "Enforcement", "Bureau",
];

/// Of those, the words that make it a government (a state's executive, legislature, forces).
#[rustfmt::skip]
pub const GOVERNMENT_WORDS: &[&str] = &[
    "Council", "Ministry", "Department", "Government", "Administration", "Parliament", "Assembly",
    "Cabinet", "Senate", "Congress", "Committee", "Treasury", "Army", "Navy", "Forces", "Junta",
];

/// Words that make a name a place, venue, event, competition or work — never an actor.
#[rustfmt::skip]
pub const NON_ACTOR_WORDS: &[&str] = &[
    "Park", "Stadium", "Arena", "Ground", "Road", "Street", "Lane", "Avenue", "Hall", "Castle",
    "Square", "Bridge", "Airport", "Station", "Primary", "Centre",
    "Island", "Isle", "River", "Valley", "Beach", "Coast", "Corner", "Abbey", "Cathedral",
    "Church", "Palace", "Cup", "Trophy", "Final", "Finals", "Open", "Championship",
    "Championships", "Games", "Olympics", "League", "Premiership", "Series", "Prix", "Election",
    "Elections", "Referendum", "War", "Festival", "Awards", "Day", "Week", "Conference", "Tour",
    "Marathon", "Ashes", "Act", "Bill", "Scheme", "Incentive", "Report", "Manifesto", "Plan",
    "Programme", "Program", "Policy", "Action", "Strategy", "Initiative", "Retail",
    "Estate", "Hills", "Mountains", "Sea", "Ocean", "Channel", "Shire", "Borough", "County",
    "Province", "Region", "District", "Lancashire", "Yorkshire", "Cheshire", "Wales", "Scotland",
    "England", "Ireland", "Census", "Brexit", "Holiday",
];

/// Lower-case words right after a name that show the name is an organization ("Liverpool
/// manager Brendan Rodgers", "a Bayer spokesman").
#[rustfmt::skip]
pub const ROLE_AFTER: &[&str] = &[
    "defender", "midfielder", "striker", "forward", "goalkeeper", "winger", "manager", "boss",
    "chairman", "chairwoman", "chief", "executive", "spokesman", "spokeswoman", "spokesperson",
    "director", "officer", "captain", "coach", "player", "players", "star", "president", "owner",
    "official", "officials", "supporters", "fans", "team", "side", "squad", "club", "board",
    "managing", "regional", "leader", "leaders", "members", "staff", "statement",
];

/// Verbs (and their usual forms) that show the name before them acting or speaking. Any
/// past-tense word in -ed counts too.
#[rustfmt::skip]
pub const ACTION_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "added", "adds", "insisted", "insists", "denied",
    "denies", "confirmed", "confirms", "announced", "announces", "vowed", "vows", "claimed",
    "claims", "warned", "warns", "urged", "urges", "called", "calls", "wants", "want", "agreed",
    "agrees", "refused", "refuses", "rejected", "rejects", "welcomed", "welcomes", "paid", "pays",
    "spent", "spends", "won", "wins", "lost", "loses", "apologised", "apologized", "decided",
    "decides", "plans", "ruled", "rules", "dismissed", "made", "makes", "took", "takes", "gave",
    "gives", "wrote", "writes", "went", "goes", "met", "meets", "believe", "believes", "hopes",
    "hope", "intends", "sought", "seeks", "demanded", "demands", "ordered", "orders", "accused",
    "accuses", "blamed", "blames", "backed", "backs", "supports", "support", "opposes", "oppose",
    "criticised", "criticized", "struck", "strikes", "signed", "signs", "sold", "sells", "bought",
    "buys", "hit", "beat", "beats", "faces", "face", "held", "holds", "declined", "declines",
    "appreciates", "knows", "thinks", "think", "expects", "expect", "stepped", "lashed",
    "admitted", "admits", "tweeted", "reacted", "found", "finds", "published", "revealed",
    "reveals", "alleging", "believed", "put", "puts", "set", "sets", "sent", "sends", "cut",
    "cuts", "named", "names", "appointed", "sacked", "fined", "charged", "banned", "suspended",
    "launched", "opened", "closed", "raised", "awarded", "offered", "offers", "asked", "asks",
    "helped", "helps", "hosted", "hosts", "joined", "joins", "led", "leads", "shot", "brought",
    "built", "caught", "chose", "drew", "drove", "fled", "fought", "got", "kept", "knew", "left",
    "let", "ran", "saw", "spoke", "stood", "swore", "taught", "thought", "threw", "upheld",
    "withdrew", "began", "forbade", "overrode", "bid", "veto", "vetoes",
];

/// Nouns of acting or taking a position after a possessive: "John Kerry's recent
/// condemnation" shows Kerry acting as plainly as "Kerry condemned".
#[rustfmt::skip]
pub const ACTION_NOUNS: &[&str] = &[
    "condemnation", "criticism", "decision", "announcement", "statement", "refusal", "demand",
    "demands", "offer", "proposal", "proposals", "warning", "warnings", "comments", "remarks",
    "response", "threat", "threats", "pledge", "promise", "request", "appeal", "veto", "plea",
    "insistence", "rejection", "denial", "admission", "apology", "complaint", "objection",
    "approval", "backing", "support", "opposition", "bid", "intervention", "accusation",
    "accusations", "ultimatum", "invitation", "ruling", "verdict",
];

/// Adjectives after a form of "be" that state a position ("Theresa May was clear that…",
/// "Mr Beavis said he was absolutely furious"): the name before them takes one.
#[rustfmt::skip]
pub const STANCE_ADJECTIVES: &[&str] = &[
    "clear", "keen", "adamant", "determined", "opposed", "willing", "unwilling", "reluctant",
    "eager", "ready", "happy", "unhappy", "delighted", "pleased", "disappointed", "furious",
    "angry", "confident", "satisfied", "dissatisfied", "concerned", "critical", "supportive",
    "insistent", "firm", "committed", "convinced", "sceptical", "skeptical", "unanimous",
];

/// Verbs of saying: a name right before or after one is quoted or reported speaking, the
/// plainest sign that it takes a position in the story ("Mali said", "said Porterfield").
#[rustfmt::skip]
pub const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "warned", "added", "called", "accused", "urged", "insisted",
    "announced", "stated", "argued", "claimed", "demanded", "condemned", "welcomed", "praised",
    "criticised", "criticized", "denied", "rejected", "responded", "promised", "vowed", "pledged",
    "confirmed", "admitted", "explained", "described",
];

/// Lower-case roles right before a name that show it is a person who acts in the story
/// ("chairman Jim Mann", "attorney Ron Yengich").
#[rustfmt::skip]
pub const ROLE_BEFORE: &[&str] = &[
    "chairman", "chairwoman", "manager", "boss", "director", "officer", "councillor", "solicitor",
    "lawyer", "attorney", "spokesman", "spokeswoman", "secretary", "minister", "president",
    "leader", "chief", "executive", "captain", "coach", "commissioner", "sheriff", "judge", "head",
    "founder", "owner", "editor", "professor", "chancellor", "ambassador", "governor", "senator",
    "mayor", "candidate", "colleague", "referee", "vice-president", "chairman-elect", "tycoon",
    "analyst", "actress", "comedian", "producer", "adviser", "advisor", "spokesperson", "teacher",
    "headteacher", "detective", "administrator", "administrators", "prosecutor",
    "campaigner", "economist", "expert", "midfielder", "striker", "defender", "goalkeeper",
    "winger", "centre-back", "full-back", "player-manager",
];

/// Words skipped between a name and its verb ("Dundee have vowed", "he has also said").
#[rustfmt::skip]
pub const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "is", "are", "was", "were", "also", "then", "later", "now", "today",
    "yesterday", "previously", "already", "still", "not", "never", "been", "be", "initially",
    "quickly", "publicly", "officially", "finally", "both", "all", "themselves", "himself",
    "herself", "itself", "would", "will", "could", "should", "can", "must", "may", "might", "do",
    "does", "did", "to", "immediately", "reportedly", "allegedly",
];

/// Lower-case group nouns that are actors when they act ("prosecutors believe", "motoring
/// groups said"); the words before them that belong to the name.
#[rustfmt::skip]
pub const GROUP_NOUNS: &[&str] = &[
    "prosecutors", "police", "environmentalists", "campaigners", "protesters", "officials",
    "judges", "ministers", "rebels", "unions", "critics", "council", "groups", "activists",
    "lawmakers", "MPs", "senators", "regulators", "investigators",
];

/// Locative words: a name every mention of which follows one of these is a place.
#[rustfmt::skip]
pub const LOCATIVES: &[&str] = &[
    "in", "at", "near", "from", "across", "outside", "inside", "around", "towards", "into", "In",
    "At", "Near", "From", "Across", "Outside",
];

/// Lower-case words after a country's name that make the country act through its state
/// ("French forces", "Chinese diplomats", "the Greek prime minister").
#[rustfmt::skip]
pub const STATE_ORGANS: &[&str] = &[
    "forces", "troops", "military", "army", "navy", "diplomats", "diplomat", "embassy",
    "authorities", "officials", "leaders", "ministers", "government", "president", "prime",
    "minister", "foreign", "state", "regime", "junta", "delegation", "negotiators", "envoy",
];

/// Last words of institutions that are also buildings ("Park View School", "the Wedgwood
/// Museum", "Chelmsford Prison", "The Art Fund"): an organization when it acts or speaks,
/// otherwise a place.
#[rustfmt::skip]
pub const INSTITUTION_WORDS: &[&str] = &[
    "School", "Academy", "Hospital", "Museum", "Prison", "Fund", "Gallery", "Library", "Zoo",
    "Theatre", "Charity",
];

/// Trial courts named after their town ("Luton Crown Court"): where a case is heard, not a
/// party to it.
#[rustfmt::skip]
pub const VENUE_COURTS: &[&str] = &["Crown", "Sheriff", "Magistrates", "Magistrates'", "Coroner's"];
