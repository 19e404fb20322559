//! Keeps the finder's candidates that act in the article, judged by a linear probe on the chat
//! model's own states. The finder's rules cannot tell an entity that acts in the story from
//! one named in passing (a murder victim, a past opponent, a country in a list), and a small
//! chat model asked "does it act?" says yes to nearly every name; but its states at the end of
//! that question separate the two far better than its answer does, and a logistic head
//! trained on labelled articles (`brief train actors`) reads them. One forward pass per
//! candidate, with the article's prefix shared by all.
//!
//! Two kinds of candidate are kept without asking: one the text shows speaking ("Mali said"),
//! which takes a position by definition, and governments and blocs, whose finder rules
//! (a state acts, speaks or is named with its organs) are its most precise, and for which the
//! head — trained mostly on local news, where states are named in passing — is least reliable.

use super::actors::{Actor, ActorKind};
use super::evidence::evidence_for;
use crate::article::{Article, Sentence};
use crate::backends::Generator;
use crate::config::ActorProbeConfig;
use crate::error::{BriefError, Result};
use crate::runtime::chat::ChatMessage;
use std::path::Path;

/// A logistic head: standardized features · `weight` + `bias` is the log-odds of acting.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorHead {
    pub weight: Vec<f32>,
    pub bias: f32,
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
}

impl ActorHead {
    /// Feature width.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Probability that the candidate whose states are `features` acts in the article.
    pub fn probability(&self, features: &[f32]) -> Result<f32> {
        if features.len() != self.dim() {
            return Err(BriefError::Usage(format!(
                "the actor probe reads {} features but the model gave {} (a head trained on \
                 another model or other depths?)",
                self.dim(),
                features.len()
            )));
        }
        let z: f32 = features
            .iter()
            .zip(self.mean.iter().zip(&self.scale))
            .zip(&self.weight)
            .map(|((x, (m, s)), w)| w * (x - m) / s)
            .sum::<f32>()
            + self.bias;
        Ok(1.0 / (1.0 + (-z).exp()))
    }

    /// Writes the head as safetensors (`weight`, `bias`, `mean`, `scale`; f32).
    pub fn save(&self, path: &Path) -> Result<()> {
        let d = [self.dim()];
        super::head_file::save(
            path,
            &[
                ("weight", &self.weight, &d),
                ("bias", &[self.bias], &[1]),
                ("mean", &self.mean, &d),
                ("scale", &self.scale, &d),
            ],
        )
    }

    /// Reads a head written by `save`, checking its shapes agree.
    pub fn load(path: &Path) -> Result<Self> {
        let what = "actor probe head";
        let t = super::head_file::load(path, &["weight", "bias", "mean", "scale"], what)?;
        let [weight, bias, mean, scale] =
            <[Vec<f32>; 4]>::try_from(t).map_err(|_| super::head_file::inconsistent(path, what))?;
        if bias.len() != 1 || weight.len() != mean.len() || scale.len() != mean.len() {
            return Err(super::head_file::inconsistent(path, what));
        }
        Ok(Self {
            weight,
            bias: bias[0],
            mean,
            scale,
        })
    }
}

/// Whether a candidate is kept without asking the probe (see the module doc).
pub fn trusted(text: &str, actor: &Actor) -> bool {
    is_state(actor) || reported_speaking(text, actor)
}

/// A government or a bloc: the finder's most precise kinds.
pub fn is_state(actor: &Actor) -> bool {
    matches!(actor.kind, ActorKind::Government | ActorKind::Bloc)
}

/// The text reports the candidate speaking ("Mali said"): it takes a position.
pub fn reported_speaking(text: &str, actor: &Actor) -> bool {
    super::agency::speaks(text, actor)
}

/// Sentences of the candidate a probe prompt may quote (`{{ sentences }}`).
const QUOTED_SENTENCES: usize = 3;
/// Words kept of each quoted sentence.
const QUOTED_WORDS: usize = 60;

/// The sentences that name `actor` in `article` (whose body its mentions index), the ones
/// where it is an early subject or takes a position first (`evidence_for` with no target),
/// each cut to its first `QUOTED_WORDS` words: what the probe's question may quote so the
/// model reads them right before it answers.
pub fn candidate_sentences(
    article: &Article,
    sentences: &[Sentence],
    actor: &Actor,
) -> Vec<String> {
    evidence_for(article, sentences, actor, "", QUOTED_SENTENCES)
        .into_iter()
        .map(|e| {
            let words: Vec<&str> = e.sentence.split_whitespace().collect();
            let cut = words.len() > QUOTED_WORDS;
            let kept = words[..words.len().min(QUOTED_WORDS)].join(" ");
            if cut {
                kept + " …"
            } else {
                kept
            }
        })
        .collect()
}

/// The probe's prompt for one candidate.
fn probe_messages(
    cfg: &ActorProbeConfig,
    view: &Article,
    actor: &Actor,
    sentences: &[String],
) -> Result<Vec<ChatMessage>> {
    let others: Vec<&String> = actor.aliases.iter().filter(|a| **a != actor.name).collect();
    super::prompt_messages(
        cfg.system.as_deref(),
        &cfg.user,
        minijinja::context! {
            title => view.title, article => view.body, actor => actor.name, aliases => others,
            sentences => sentences,
        },
        "actor probe",
    )
}

/// The model's states at the end of the probe's prompt for `actor` (`sentences`: what
/// `candidate_sentences` quotes).
pub fn candidate_states(
    model: &mut dyn Generator,
    cfg: &ActorProbeConfig,
    view: &Article,
    actor: &Actor,
    sentences: &[String],
) -> Result<Vec<f32>> {
    let messages = probe_messages(cfg, view, actor, sentences)?;
    model.prompt_states(&messages, &cfg.depths)?.ok_or_else(|| {
        BriefError::Usage(
            "this model cannot expose its states to an actor probe (only GGUF llama / qwen \
                 models can)"
                .into(),
        )
    })
}

/// Whether the model can see the candidate: a long article's prompt shows only its opening,
/// and a name the model cannot read about cannot be judged (it is kept).
fn visible(view: &Article, actor: &Actor) -> bool {
    std::iter::once(&actor.name)
        .chain(&actor.aliases)
        .any(|a| view.body.contains(a.as_str()))
}

/// The candidates that are trusted, not in the prompt's view of the article, or that the head
/// says act (probability ≥ threshold), in order. `article` is the one whose body the
/// candidates' mentions index; `view` is what the prompt shows of it.
pub fn keep_acting(
    model: &mut dyn Generator,
    (cfg, head): (&ActorProbeConfig, &ActorHead),
    view: &Article,
    article: &Article,
    candidates: Vec<Actor>,
) -> Result<Vec<Actor>> {
    let sentences = article.sentences();
    let mut kept = Vec::with_capacity(candidates.len());
    for actor in candidates {
        let acts = |model: &mut dyn Generator| -> Result<bool> {
            let quoted = candidate_sentences(article, &sentences, &actor);
            let states = candidate_states(model, cfg, view, &actor, &quoted)?;
            Ok(head.probability(&states)? >= cfg.threshold)
        };
        if trusted(&article.body, &actor) || !visible(view, &actor) || acts(model)? {
            kept.push(actor);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::actors::find_all;
    use crate::tasks::stand_in::StandIn;

    /// States that say "acts" (1.0) for Dundee and "passing" (-1.0) for anyone else.
    fn states() -> StandIn {
        StandIn::with_states(|q| {
            let acts = q.ends_with("Candidate: Dundee");
            vec![if acts { 1.0 } else { -1.0 }, 0.5]
        })
    }

    fn head() -> ActorHead {
        ActorHead {
            weight: vec![2.0, 0.0],
            bias: 0.0,
            mean: vec![0.0, 0.5],
            scale: vec![1.0, 1.0],
        }
    }

    fn probe() -> ActorProbeConfig {
        ActorProbeConfig {
            system: None,
            user: "{{ article }}\n\nCandidate: {{ actor }}".into(),
            depths: vec![18, 0],
            head: None,
            head_sha256: None,
            threshold: 0.3,
            training_report: None,
        }
    }

    fn actor(text: &str, name: &str, kind: ActorKind) -> Actor {
        let mut a = Actor::new(name, kind);
        a.add_mentions(find_all(text, name, &[]));
        a
    }

    #[test]
    fn a_candidate_the_probe_finds_only_mentioned_is_dropped_and_states_are_kept_unasked() {
        // From the FRANK tune set: Dundee acts, Celtic is a past opponent only mentioned.
        let raw = "Dundee stand by McGowan\n\nDundee have vowed to stand by Paul McGowan, who \
                   joined from Celtic in 2014. Scotland was his home.";
        let article = Article::from_text("t", raw);
        let text = article.body.clone();
        let candidates = vec![
            actor(&text, "Dundee", ActorKind::Organization),
            actor(&text, "Celtic", ActorKind::Organization),
            actor(&text, "Scotland", ActorKind::Government),
        ];
        let mut model = states();
        let kept = keep_acting(
            &mut model,
            (&probe(), &head()),
            &article,
            &article,
            candidates,
        )
        .unwrap();
        let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Dundee", "Scotland"]);
        assert_eq!(model.asked.len(), 2, "a government is kept without asking");
        assert_eq!(model.depths, [18, 0], "the config's layers are read");
        assert!(model.asked[0].starts_with("Dundee have vowed"));
    }

    #[test]
    fn a_candidate_beyond_the_opening_the_model_sees_is_kept_unasked() {
        let raw = "Dundee stand by McGowan\n\nDundee have vowed to stand by Paul McGowan. Celtic \
                   declined to comment.";
        let article = Article::from_text("t", raw);
        let text = article.body.clone();
        // The prompt's view of a long article: its opening only.
        let view = Article::from_text(
            "t",
            "Dundee stand by McGowan\n\nDundee have vowed to stand by Paul McGowan.",
        );
        let candidates = vec![
            actor(&text, "Dundee", ActorKind::Organization),
            actor(&text, "Celtic", ActorKind::Organization),
        ];
        let mut model = states();
        let kept =
            keep_acting(&mut model, (&probe(), &head()), &view, &article, candidates).unwrap();
        let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Dundee", "Celtic"]);
        assert_eq!(
            model.asked.len(),
            1,
            "only the visible candidate is asked about"
        );
    }

    #[test]
    fn the_quoted_sentences_name_the_candidate_acting_ones_first_and_long_ones_are_cut() {
        let long = format!("Later {}", vec!["word"; 80].join(" "));
        let raw = format!(
            "Dundee stand by McGowan\n\nThe club was founded long before McGowan arrived. \
             McGowan denied the charge. Scotland was his home. {long} McGowan."
        );
        let article = Article::from_text("t", &raw);
        let mcgowan = actor(&article.body, "McGowan", ActorKind::Person);
        let quoted = candidate_sentences(&article, &article.sentences(), &mcgowan);
        assert_eq!(quoted.len(), 3, "{quoted:?}");
        assert_eq!(quoted[0], "McGowan denied the charge.");
        assert!(quoted
            .iter()
            .all(|q| q.contains("McGowan") || q.ends_with('…')));
        assert!(!quoted.iter().any(|q| q.contains("Scotland")));
        let cut = quoted
            .iter()
            .find(|q| q.ends_with('…'))
            .expect("the long one is cut");
        assert_eq!(cut.split_whitespace().count(), QUOTED_WORDS + 1);
    }

    #[test]
    fn a_candidate_reported_speaking_is_trusted_one_named_in_passing_is_not() {
        let text = "Celtic said it would appeal. The deal was criticised by Hearts. He played \
                    for Rangers in 2014.";
        assert!(trusted(
            text,
            &actor(text, "Celtic", ActorKind::Organization)
        ));
        assert!(!trusted(
            text,
            &actor(text, "Rangers", ActorKind::Organization)
        ));
        let quoted = "\"We will appeal,\" said Porterfield.";
        assert!(trusted(
            quoted,
            &actor(quoted, "Porterfield", ActorKind::Person)
        ));
    }

    #[test]
    fn a_saved_head_loads_with_the_same_probabilities_and_refuses_other_widths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("head.safetensors");
        let h = ActorHead {
            weight: vec![0.25, -1.5, 3.0],
            bias: -0.125,
            mean: vec![0.5, 0.0, -2.0],
            scale: vec![1.0, 2.0, 0.5],
        };
        h.save(&path).unwrap();
        let back = ActorHead::load(&path).unwrap();
        assert_eq!(back, h);
        let x = [1.0, -1.0, 0.25];
        assert_eq!(back.probability(&x).unwrap(), h.probability(&x).unwrap());
        assert!(back.probability(&[1.0]).is_err());
    }
}
