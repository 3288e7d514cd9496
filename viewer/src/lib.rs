//! `metatracer-view`: turns a metatracer JSON log (`METATRACER_LOG=json:FILE`) into one
//! self-contained HTML page, in the spirit of PyPy's jitviewer: the loops and bridges of a run
//! with their counters, each trace's ops grouped under the guest positions they came from
//! (the implementer's `get_printable_location` text), guards with exit counts and links to
//! their bridges, and the machine code on demand.
//!
//! Nothing here knows a guest language: positions are opaque strings from the log.
//! [`log`] reads the log, [`html`] writes the page, [`disasm`] disassembles x86-64 code.

pub mod disasm;
pub mod html;
pub mod log;

/// Reads the log in `text` and renders the report page.
pub fn report(text: &str) -> Result<String, log::LogError> {
    Ok(html::render(&log::parse(text)?))
}
