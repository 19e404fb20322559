//! Device choice: `auto` takes a GPU when brief was built with one and it is there.

use crate::error::{BriefError, Result};
use candle_core::Device;

/// Parses `auto`, `cpu`, `cuda`, `cuda:N`, `metal` into a candle device.
pub fn select_device(spec: &str) -> Result<Device> {
    let spec = spec.trim().to_ascii_lowercase();
    let gpu_err = |what: &str, e: candle_core::Error| {
        BriefError::Device(format!(
            "{what} is not available ({e}); build with `--features {}` on a machine that has it, or use --device cpu",
            what.split(':').next().unwrap_or(what)
        ))
    };
    match spec.as_str() {
        "auto" => {
            if candle_core::utils::cuda_is_available() {
                Device::new_cuda(0).map_err(|e| gpu_err("cuda", e))
            } else if candle_core::utils::metal_is_available() {
                Device::new_metal(0).map_err(|e| gpu_err("metal", e))
            } else {
                Ok(Device::Cpu)
            }
        }
        "cpu" => Ok(Device::Cpu),
        "metal" => Device::new_metal(0).map_err(|e| gpu_err("metal", e)),
        s if s == "cuda" || s.starts_with("cuda:") => {
            let n = match s.strip_prefix("cuda:") {
                Some(n) => n.parse::<usize>().map_err(|_| {
                    BriefError::Usage(format!("bad device '{s}': expected cuda:N with N a number"))
                })?,
                None => 0,
            };
            Device::new_cuda(n).map_err(|e| gpu_err(s, e))
        }
        other => Err(BriefError::Usage(format!(
            "unknown device '{other}'; use auto, cpu, cuda, cuda:N or metal"
        ))),
    }
}

/// A short name for reports.
pub fn device_name(d: &Device) -> String {
    match d {
        Device::Cpu => "cpu".into(),
        Device::Cuda(_) => "cuda".into(),
        Device::Metal(_) => "metal".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_device_specs() {
        assert!(matches!(select_device("cpu").unwrap(), Device::Cpu));
        assert!(select_device("tpu")
            .unwrap_err()
            .to_string()
            .contains("unknown device 'tpu'"));
        assert!(select_device("cuda:x")
            .unwrap_err()
            .to_string()
            .contains("cuda:N"));
        #[cfg(not(feature = "cuda"))]
        assert!(select_device("cuda")
            .unwrap_err()
            .to_string()
            .contains("--features cuda"));
    }
}
