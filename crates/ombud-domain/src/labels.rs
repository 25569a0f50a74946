//! The labels an organisation puts on cases, from a list it configures:
//! a handler picks among them, never types one, so a label never carries
//! what the report says.

/// One label, named in both languages the product speaks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseLabel {
    /// Stable, for filters and scripts: lower case letters, digits and '-'.
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
}

impl CaseLabel {
    fn new(key: &str, name_en: &str, name_zh: &str) -> Self {
        Self { key: key.to_owned(), name_en: name_en.to_owned(), name_zh: name_zh.to_owned() }
    }

    /// The name in a language ("zh-CN" or anything else for English).
    pub fn name(&self, lang: &str) -> &str {
        if lang.starts_with("zh") { &self.name_zh } else { &self.name_en }
    }

    /// Whether a key is usable in a filter or an address as it stands.
    pub fn valid_key(key: &str) -> bool {
        !key.is_empty()
            && key.len() <= 40
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    /// The list an organisation starts with.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("urgent", "Urgent", "紧急"),
            Self::new("legal-hold", "Legal hold", "法律保全"),
            Self::new("interpreter", "Interpreter needed", "需要翻译"),
            Self::new("outside-investigator", "Outside investigator", "外部调查人员"),
            Self::new("media", "Media attention", "媒体关注"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_labels_have_usable_keys_and_both_names() {
        for l in CaseLabel::defaults() {
            assert!(CaseLabel::valid_key(&l.key), "{}", l.key);
            assert!(!l.name("en").is_empty() && !l.name("zh-CN").is_empty());
        }
        assert!(!CaseLabel::valid_key("Urgent!") && !CaseLabel::valid_key(""));
    }
}
