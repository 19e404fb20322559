//! Unit tests of the name finder: which capitalized runs are names, and where they end.
use super::*;

fn names(text: &str) -> Vec<String> {
    chunks(text)
        .iter()
        .map(|c| c.text(text).to_string())
        .collect()
}

#[test]
fn titles_with_and_without_period_and_possessives() {
    let t =
        "Mr. Passos Coelho met Mr Passos Coelho's Social Democrats. Pedro Passos Coelho said so.";
    assert_eq!(
        names(t),
        [
            "Passos Coelho",
            "Passos Coelho",
            "Social Democrats",
            "Pedro Passos Coelho"
        ]
    );
    let c = chunks(t);
    assert!(c[0].titled && c[1].titled && !c[3].titled);
}

#[test]
fn sentence_ends_without_a_space_cut_names() {
    // BBC texts in FRANK lose the space after a period.
    let t = "The turkey firm was sold to the food tycoon Ranjit Boparan on Tuesday.There had been fears.";
    assert_eq!(names(t), ["Ranjit Boparan"]);
    let t = "Sue Hemming, head of the special crime division at the CPS.Mrs Aspinall said: \"Hopefully\"";
    assert_eq!(names(t), ["Sue Hemming", "CPS", "Aspinall"]);
}

#[test]
fn connectors_and_abbreviations_stay_inside() {
    let t = "members of the U.S. Chamber of Commerce and the Center for Immigration Studies (CIS)";
    assert_eq!(
        names(t),
        [
            "U.S. Chamber of Commerce",
            "Center for Immigration Studies",
            "CIS"
        ]
    );
    let t = "Sheriff Derek O'Carroll spared the Dens star, Lord Justice Moore-Bick said.";
    assert_eq!(names(t), ["Derek O'Carroll", "Dens", "Moore-Bick"]);
}

#[test]
fn an_honorific_inside_a_run_starts_a_new_name() {
    // FRANK (BBC): the comma after the court was lost in the source text.
    let t = "Speaking outside of the Court of Appeal Mr Beavis said he would appeal.";
    assert_eq!(names(t), ["Court of Appeal", "Beavis"]);
    let c = chunks(t);
    assert!(!c[0].titled && c[1].titled);
    // A title that is an office stays part of the run ("Lord Justice Moore-Bick").
    let t = "Speaking for the court, Lord Justice Moore-Bick said.";
    assert_eq!(names(t), ["Moore-Bick"]);
}

#[test]
fn shouted_section_headings_are_not_names() {
    // FRANK (Daily Mail): a candidate profile with upper-case headings.
    let t = "Michael Vaughan (Age 40) CURRENT JOB: Broadcaster. SHOW US YOUR MEDALS: Famously \
             led England. REASON IT MIGHT NOT: The ECB may balk.";
    let got = names(t);
    assert!(
        !got.iter()
            .any(|n| n.chars().filter(|c| c.is_uppercase()).count() > 5),
        "{got:?}"
    );
    assert!(got.contains(&"Michael Vaughan".to_string()) && got.contains(&"ECB".to_string()));
    // Acronyms are names, alone or beside ordinary words, and initials are not shouting.
    let t = "The UN Security Council and the ECB met. NHS England said: no.";
    assert_eq!(names(t), ["UN Security Council", "ECB", "NHS England"]);
    let t = "They read J R R Tolkien daily.";
    assert_eq!(names(t), ["J R R Tolkien"]);
}

#[test]
fn offices_inside_a_name_are_dropped() {
    let t = "Deputy Utah County Attorney Craig Johnson told KSL.com.";
    let c = &chunks(t)[0];
    let w = person_words(c, t).unwrap();
    let s: Vec<&str> = w.iter().map(|w| &t[w.start..w.end]).collect();
    assert_eq!(s, ["Craig", "Johnson"]);
    assert!(same_person(
        &["Passos", "Coelho"],
        &["Pedro", "Passos", "Coelho"]
    ));
    assert!(!same_person(&["Richard", "Lloyd"], &["Timothy", "Lloyd"]));
}

#[test]
fn a_capitalized_run_longer_than_any_name_word_is_not_a_name() {
    let giant = "ABCDEFGHIJ".repeat(30);
    let t = format!("The plan. {giant} said it backed the plan. Angela Merkel agreed.");
    assert_eq!(names(&t), ["Angela Merkel"]);
    let longest = "Wolfeschlegelsteinhausenbergerdorff";
    assert_eq!(
        names(&format!("Hubert {longest} spoke.")),
        [format!("Hubert {longest}")]
    );
}

#[test]
fn a_run_of_more_words_than_any_name_is_not_a_name() {
    let run = vec!["Xy"; 400].join(" ");
    let t = format!("The plan. {run} backed the plan. Angela Merkel agreed.");
    assert_eq!(names(&t), ["Angela Merkel"]);
    let twelve = ["Xy"; 12].join(" ");
    assert_eq!(names(&format!("The {twelve} said so.")), [twelve]);
}
