//! A GGUF header check run before candle reads the file: candle trusts the header and panics
//! (a division by zero) on `general.alignment = 0`, and would read absurd lengths from a
//! damaged file. Walking the key/value section here turns such files into one clear error.

use std::io::{BufReader, Read};

/// GGUF value types, as numbered by the format.
const STRING: u32 = 8;
const ARRAY: u32 = 9;

/// Checks magic, version, the key/value section's shape and `general.alignment` (a non-zero
/// multiple of 8, as the format requires). `Err` says what is wrong.
pub fn check(file: &std::fs::File, len: u64) -> Result<(), String> {
    let mut r = Reader {
        inner: BufReader::new(file),
        left: len,
    };
    let magic = r.bytes(4)?;
    if magic != b"GGUF" {
        return Err("not a GGUF file (wrong magic bytes)".into());
    }
    let version = r.u32()?;
    if !(1..=3).contains(&version) {
        return Err(format!("unsupported GGUF version {version}"));
    }
    let wide = version >= 2;
    let _tensors = r.count(wide)?;
    let kvs = r.count(wide)?;
    for _ in 0..kvs {
        let key = r.string(wide)?;
        let ty = r.u32()?;
        if key == "general.alignment" {
            if ty != 4 {
                return Err("general.alignment is not a uint32".into());
            }
            let a = r.u32()?;
            if a == 0 || a % 8 != 0 {
                return Err(format!(
                    "general.alignment is {a}; it must be a non-zero multiple of 8"
                ));
            }
        } else {
            r.skip_value(ty, wide, 0)?;
        }
    }
    Ok(())
}

/// A reader that knows how many bytes the file has left, so no length read from the file can
/// make it read (or allocate) past the end.
struct Reader<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Reader<R> {
    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, String> {
        if n > self.left {
            return Err("truncated or damaged header (a length points past the end)".into());
        }
        let mut buf = vec![0u8; n as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| format!("header unreadable: {e}"))?;
        self.left -= n;
        Ok(buf)
    }

    fn skip(&mut self, n: u64) -> Result<(), String> {
        if n > self.left {
            return Err("truncated or damaged header (a length points past the end)".into());
        }
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| format!("header unreadable: {e}"))?;
        if copied != n {
            return Err("truncated header".into());
        }
        self.left -= n;
        Ok(())
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    /// A count or length: 32 bits in GGUF v1, 64 bits after.
    fn count(&mut self, wide: bool) -> Result<u64, String> {
        if wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    fn string(&mut self, wide: bool) -> Result<String, String> {
        let n = self.count(wide)?;
        let b = self.bytes(n)?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    }

    fn skip_value(&mut self, ty: u32, wide: bool, depth: usize) -> Result<(), String> {
        let fixed = match ty {
            0 | 1 | 7 => Some(1),
            2 | 3 => Some(2),
            4..=6 => Some(4),
            10..=12 => Some(8),
            _ => None,
        };
        if let Some(n) = fixed {
            return self.skip(n);
        }
        match ty {
            STRING => {
                let n = self.count(wide)?;
                self.skip(n)
            }
            ARRAY if depth < 4 => {
                let item = self.u32()?;
                let n = self.count(wide)?;
                if n > self.left {
                    return Err("an array is longer than the file".into());
                }
                for _ in 0..n {
                    self.skip_value(item, wide, depth + 1)?;
                }
                Ok(())
            }
            _ => Err(format!("unknown value type {ty} in the header")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gguf(kvs: &[(&str, u32, Vec<u8>)]) -> Vec<u8> {
        let mut b = b"GGUF".to_vec();
        b.extend(3u32.to_le_bytes());
        b.extend(0u64.to_le_bytes());
        b.extend((kvs.len() as u64).to_le_bytes());
        for (k, ty, v) in kvs {
            b.extend((k.len() as u64).to_le_bytes());
            b.extend(k.as_bytes());
            b.extend(ty.to_le_bytes());
            b.extend(v);
        }
        b
    }

    fn check_bytes(b: &[u8]) -> Result<(), String> {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b).unwrap();
        use std::io::Seek;
        f.rewind().unwrap();
        check(&f, b.len() as u64)
    }

    #[test]
    fn alignment_zero_and_damage_are_errors() {
        let name = (4u64.to_le_bytes().into_iter().chain(*b"test")).collect::<Vec<u8>>();
        let ok = gguf(&[
            ("general.name", STRING, name.clone()),
            ("general.alignment", 4, 32u32.to_le_bytes().to_vec()),
        ]);
        assert_eq!(check_bytes(&ok), Ok(()));
        let zero = gguf(&[("general.alignment", 4, 0u32.to_le_bytes().to_vec())]);
        assert!(check_bytes(&zero).unwrap_err().contains("alignment is 0"));
        let huge = gguf(&[("general.name", STRING, u64::MAX.to_le_bytes().to_vec())]);
        assert!(check_bytes(&huge).unwrap_err().contains("past the end"));
        assert!(check_bytes(b"GGML1234").unwrap_err().contains("magic"));
        assert!(check_bytes(&ok[..ok.len() - 2]).is_err());
    }
}
