//! Characters a person cannot see. Bidirectional controls can make
//! `invoice\u{202E}gpj.exe` read as `invoiceexe.jpg`, and zero-width ones
//! hide inside names: file names lose them, and anywhere else they are shown
//! by their code, so nobody is misled.

/// Invisible format characters: bidirectional embeddings, overrides and
/// isolates, marks, zero-width characters, the word joiner and invisible
/// operators, the soft hyphen, the byte-order mark and interlinear annotations.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A file name as it may be shown and saved: the last path part, without
/// control or invisible characters or quotes, at most 200 characters.
pub fn plain_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control() && !is_invisible(*c) && *c != '"').take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() { "attachment".to_owned() } else { clean.to_owned() }
}

/// Text with every invisible character shown by its code (`⟨U+202E⟩`).
pub fn shown_plainly(text: &str) -> String {
    if !text.chars().any(is_invisible) {
        return text.to_owned();
    }
    text.chars().map(|c| if is_invisible(c) { format!("⟨U+{:04X}⟩", c as u32) } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disguised_extension_is_shown_as_it_is() {
        assert_eq!(plain_file_name("invoice\u{202E}gpj.exe.html"), "invoicegpj.exe.html");
        assert_eq!(plain_file_name("C:\\Users\\li\\聊天\u{200B}记录.txt"), "聊天记录.txt");
        assert_eq!(plain_file_name("\u{2066}\u{2069}"), "attachment");
        assert_eq!(shown_plainly("Sun\u{202E}Hao"), "Sun⟨U+202E⟩Hao");
        assert_eq!(shown_plainly("孙浩"), "孙浩");
    }
}
