//! Where she can turn outside the organisation. A dismissal or a referral
//! names these, so being turned away never leaves her with nowhere to go.

/// One outside channel, in both languages the product speaks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalChannel {
    /// Its name and what it is for, in English.
    pub name_en: String,
    /// The same, in Simplified Chinese.
    pub name_zh: String,
    /// How to reach it: a phone number, an address or a web address.
    #[serde(default)]
    pub contact: String,
}

impl ExternalChannel {
    fn new(name_en: &str, name_zh: &str, contact: &str) -> Self {
        Self { name_en: name_en.to_owned(), name_zh: name_zh.to_owned(), contact: contact.to_owned() }
    }

    /// The name in a language ("zh-CN" or anything else for English).
    pub fn name(&self, lang: &str) -> &str {
        if lang.starts_with("zh") { &self.name_zh } else { &self.name_en }
    }

    /// The channels in the People's Republic of China, where the case Ombud
    /// answers happened: the labour authority, the women's federation, the
    /// police and the courts. An organisation elsewhere lists its own (in the
    /// EU, the competent authority under the Whistleblower Directive).
    pub fn china() -> Vec<Self> {
        vec![
            Self::new(
                "The labour inspection authority (human resources and social security bureau) where you work",
                "工作所在地的劳动保障监察机构（人力资源和社会保障局）",
                "12333",
            ),
            Self::new("The women's federation rights hotline", "妇联妇女维权公益服务热线", "12338"),
            Self::new("The police, for violence or a sexual assault", "公安机关（暴力或性侵害）", "110"),
            Self::new(
                "The people's court where you live or work (litigation service hotline)",
                "您居住地或工作地的人民法院（诉讼服务热线）",
                "12368",
            ),
        ]
    }
}
