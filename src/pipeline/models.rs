//! Loading the stance side: the classifier (chat, NLI, trained encoder or probe), the entity
//! classifier for entity targets and the trained actor check, sharing one loaded model per
//! distinct set of weights.

use super::PipelineOptions;
use crate::backends::load_pair_classifier;
use crate::config::{resolve_model, Defaults, ModelConfig, StanceMode, Task};
use crate::config::{ActorProbeConfig, Architecture};
use crate::error::{BriefError, Result};
use crate::fetch::{ensure_model, FetchOptions};
use crate::tasks::actor_probe::ActorHead;
use crate::tasks::encoder_stance::EncoderStance;
use crate::tasks::llm_stance::LlmStance;
use crate::tasks::nli_stance::NliStance;
use crate::tasks::probe_stance::ProbeStance;
use crate::tasks::stance::{SharedGenerator, StanceClassifier};
use candle_core::Device;

pub(super) struct Classifier {
    pub(super) cfg: ModelConfig,
    /// The generating model behind the classifier, when it has one (it then also proposes
    /// actors and derives the target); an NLI cross-encoder has none.
    pub(super) model: Option<SharedGenerator>,
    pub(super) stance: Box<dyn StanceClassifier>,
    /// The defaults' `entity_classifier`, for targets that name an entity of the article.
    pub(super) entity: Option<Box<dyn StanceClassifier>>,
    /// The defaults' `actor_check`: a trained probe keeping the candidates that act.
    pub(super) actor_probe: Option<ActorProbe>,
}

/// A chat model and the trained head that judges, from its states, whether a candidate acts.
pub(super) struct ActorProbe {
    pub(super) cfg: ActorProbeConfig,
    pub(super) head: ActorHead,
    pub(super) model: SharedGenerator,
}

impl Classifier {
    /// The classifier for a target: the entity classifier when there is one and the target
    /// names an entity of the article, else the main one.
    pub(super) fn for_target(&mut self, entity_target: bool) -> &mut dyn StanceClassifier {
        match self.entity.as_mut() {
            Some(e) if entity_target => e.as_mut(),
            _ => self.stance.as_mut(),
        }
    }
}

/// What makes two configs the same loaded model: architecture, weights, tokenizer, chat
/// template and runtime settings (not name, prompts or task settings).
pub(super) fn weights_key(cfg: &ModelConfig) -> String {
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        cfg.architecture.as_str(),
        cfg.weights,
        cfg.tokenizer,
        cfg.chat_template,
        cfg.runtime,
        cfg.context_length,
        cfg.generation.stop
    )
}

/// Loads (or reuses) the generating model of a config, telling `say` what it does.
type LoadGenerator<'a> =
    dyn FnMut(&ModelConfig, &mut dyn FnMut(&str)) -> Result<SharedGenerator> + 'a;

/// Loads the stance classifier `cfg` names: a trained encoder or an NLI cross-encoder on
/// their own, or a chat model through `get` (shared with the summarizer when it is the same
/// config).
pub(super) fn load_classifier(
    cfg: ModelConfig,
    fetch: &FetchOptions,
    device: &Device,
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<Classifier> {
    let (model, stance): (Option<SharedGenerator>, Box<dyn StanceClassifier>) =
        match cfg.architecture {
            Architecture::EncoderClassifier => {
                let files = ensure_model(&cfg, fetch, say)?;
                let model = crate::backends::encoder::load_classifier(&cfg, &files, device)?;
                let settings = cfg.encoder_settings();
                (
                    None,
                    Box::new(EncoderStance::new(&cfg.name, model, settings)),
                )
            }
            Architecture::Nli => {
                let files = ensure_model(&cfg, fetch, say)?;
                let pairs = load_pair_classifier(&cfg, &files, device)?;
                (None, Box::new(NliStance::new(pairs, cfg.nli_settings())?))
            }
            _ => {
                let stance_cfg = cfg.stance.clone().ok_or_else(|| BriefError::BadConfig {
                    origin: cfg.name.clone(),
                    message: "no [stance] section".into(),
                })?;
                let model = get(&cfg, say)?;
                let stance: Box<dyn StanceClassifier> = match stance_cfg.mode {
                    StanceMode::Probe => {
                        let probe = stance_cfg.probe.as_ref();
                        let head = probe
                            .and_then(|p| p.head.as_ref())
                            .map(|h| crate::backends::encoder::beside_config(&cfg, h));
                        if let Some(h) = &head {
                            let want = probe.and_then(|p| p.head_sha256.as_deref());
                            crate::backends::encoder::check_head(h, want)?;
                        }
                        Box::new(ProbeStance::new(
                            &cfg.name,
                            model.clone(),
                            stance_cfg,
                            head.as_deref(),
                        )?)
                    }
                    _ => Box::new(LlmStance::new(&cfg.name, model.clone(), stance_cfg)),
                };
                (Some(model), stance)
            }
        };
    Ok(Classifier {
        cfg,
        model,
        stance,
        entity: None,
        actor_probe: None,
    })
}

/// Gives `c` the defaults' `entity_classifier`. Optional: when it cannot be loaded (offline
/// and never pulled, say) the main classifier labels every target, and `say` tells the user.
pub(super) fn attach_entity_classifier(
    c: &mut Classifier,
    name: &str,
    (fetch, device): (&FetchOptions, &Device),
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) {
    let loaded = resolve_model(name).and_then(|cfg| {
        if !cfg.tasks.contains(&Task::Stance) {
            return Err(BriefError::Usage(format!(
                "it cannot label stance (its tasks: {:?})",
                cfg.tasks
            )));
        }
        load_classifier(cfg, fetch, device, get, say)
    });
    match loaded {
        Ok(e) => c.entity = Some(e.stance),
        Err(e) => say(&format!(
            "entity classifier '{name}' not loaded ({e}); '{}' labels every target \
             (`brief models pull {name}` fetches it)",
            c.cfg.name
        )),
    }
}

/// The stance classifier with what the defaults add to it: the entity classifier and the
/// actor check, both only with the defaults' own classifier (a classifier named on the
/// command line labels every target and decides the actors).
pub(super) fn load_stance(
    opts: &PipelineOptions,
    defaults: &Defaults,
    (fetch, device): (&FetchOptions, &Device),
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<Classifier> {
    let mut c = load_classifier(opts.config_for(Task::Stance)?, fetch, device, get, say)?;
    if opts.classifier.is_some() {
        return Ok(c);
    }
    if let Some(name) = &defaults.entity_classifier {
        attach_entity_classifier(&mut c, name, (fetch, device), get, say);
    }
    if let Some(name) = &defaults.actor_check {
        c.actor_probe = Some(load_actor_probe(name, get, say)?);
    }
    Ok(c)
}

/// Loads the defaults' `actor_check`: a GGUF chat model config with a trained `[actor_probe]`
/// (its model shared with the summarizer's when the weights are the same).
pub(super) fn load_actor_probe(
    name: &str,
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<ActorProbe> {
    let cfg = resolve_model(name)?;
    let bad = |m: &str| BriefError::BadConfig {
        origin: cfg.name.clone(),
        message: m.to_string(),
    };
    let probe = cfg
        .actor_probe
        .clone()
        .ok_or_else(|| bad("actor_check names a config without [actor_probe]"))?;
    let head_file = probe.head.as_ref().ok_or_else(|| {
        bad("[actor_probe] has no trained head; train one with `brief train actors`")
    })?;
    let head_path = crate::backends::encoder::beside_config(&cfg, head_file);
    crate::backends::encoder::check_head(&head_path, probe.head_sha256.as_deref())?;
    let head = ActorHead::load(&head_path)?;
    let model = get(&cfg, say)?;
    Ok(ActorProbe {
        cfg: probe,
        head,
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{resolve_model, StanceMode};

    #[test]
    fn a_probe_shares_its_chat_model_but_another_model_does_not() {
        let chat = resolve_model("qwen2.5-coder-1.5b-instruct").unwrap();
        let mut probe = chat.clone();
        probe.name = "qwen-probe".into();
        if let Some(st) = probe.stance.as_mut() {
            st.mode = StanceMode::Probe;
            st.user = "{{ question }}".into();
        }
        assert_eq!(weights_key(&chat), weights_key(&probe));
        let small = resolve_model("qwen2.5-coder-0.5b-instruct").unwrap();
        assert_ne!(weights_key(&chat), weights_key(&small));
    }
}
