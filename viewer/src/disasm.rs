//! Disassembly of a trace's machine code (x86-64, Intel syntax) with `iced-x86`, for the
//! report's collapsed "assembly" sections.
//!
//! Assumes the bytes are x86-64 code that starts at `addr` (the `code` record of the log);
//! bytes that do not decode print as `(bad)` lines, never an error.

use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter};

/// Parses the log's hex string into bytes.
pub fn hex_bytes(hex: &str) -> Result<Vec<u8>, String> {
    let hex = hex.trim();
    if !hex.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", hex.len()));
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| format!("bad hex digits at offset {i}"))
        })
        .collect()
}

/// One line per instruction: `address  bytes  instruction`.
pub fn disassemble(bytes: &[u8], addr: u64) -> String {
    let mut decoder = Decoder::with_ip(64, bytes, addr, DecoderOptions::NONE);
    let mut formatter = IntelFormatter::new();
    formatter.options_mut().set_first_operand_char_index(8);
    let mut insn = Instruction::default();
    let mut text = String::new();
    let mut out = String::new();
    while decoder.can_decode() {
        decoder.decode_out(&mut insn);
        text.clear();
        if insn.is_invalid() {
            text.push_str("(bad)");
        } else {
            formatter.format(&insn, &mut text);
        }
        let start = (insn.ip() - addr) as usize;
        let end = (start + insn.len()).min(bytes.len());
        let hex: String = bytes[start..end]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out.push_str(&format!("{:016x}  {hex:<24} {text}\n", insn.ip()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_few_instructions() {
        // push rbp; mov rbp, rsp; ret
        let b = hex_bytes("554889e5c3").unwrap();
        let d = disassemble(&b, 0x1000);
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines.len(), 3, "{d}");
        assert!(lines[0].starts_with("0000000000001000  55"), "{d}");
        assert!(lines[0].ends_with("push    rbp"), "{d}");
        assert!(lines[1].contains("mov     rbp,rsp"), "{d}");
        assert!(
            lines[2].starts_with("0000000000001004") && lines[2].ends_with("ret"),
            "{d}"
        );
    }

    #[test]
    fn bad_hex_and_bad_code() {
        assert!(hex_bytes("abc").unwrap_err().contains("odd"));
        assert!(hex_bytes("zz").unwrap_err().contains("bad hex"));
        // a lone 0x0f prefix does not decode
        assert!(disassemble(&[0x0f], 0).contains("(bad)"));
    }
}
