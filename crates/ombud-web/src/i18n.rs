//! English and Simplified Chinese. The language is chosen by an explicit
//! switch (`?lang=`, remembered in a cookie), else by `Accept-Language`.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use ombud_service::NoticeKind;
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static ZH_CN: LanguageIdentifier = langid!("zh-CN");
pub const LANG_COOKIE: &str = "ombud_lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

tokio::task_local! {
    /// The language of the request being answered, so an error turned into a
    /// response far from the handler still speaks her language.
    static CURRENT: Lang;
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The language of the request this task answers (English outside one).
    pub fn current() -> Lang {
        CURRENT.try_with(|l| *l).unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        }
    }

    /// "zh", "zh-CN", "zh-Hans", "zh_cn" → Chinese; "en…" → English.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language in an Accept-Language header, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q =
                    pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|(_, l)| *l)
    }

    pub fn tr(self) -> Tr {
        Tr { lang: self }
    }
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?.split('&').find_map(|pair| pair.strip_prefix("lang=")).and_then(Lang::parse)
}

/// Puts the request's `Lang` into its extensions; remembers an explicit choice.
pub async fn negotiate(mut request: Request, next: Next) -> Response {
    let explicit = query_lang(request.uri().query());
    let from_cookie = crate::security::read_cookie(request.headers(), LANG_COOKIE).and_then(|v| Lang::parse(&v));
    let from_header = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let lang = explicit.or(from_cookie).or(from_header).unwrap_or_default();
    request.extensions_mut().insert(lang);
    let mut response = CURRENT.scope(lang, next.run(request)).await;
    if let Some(lang) = explicit {
        // Not a secret and not a tracker: a year is fine, and it is never sent elsewhere.
        // Kept for the browser session only: a year-long cookie would mark a
        // shared computer as one that visited the speak-up site.
        let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax", lang.code());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Translations for one request.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.id(), key)
    }

    pub fn t_with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &map)
    }

    /// Whether a key exists in this language (used by the completeness test).
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(self.lang.id(), key).is_some()
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A count with its thousands grouped ("3,299,999"), as both languages write it.
    pub fn number(&self, n: usize) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// A point in time, in the organisation's zone, with the zone named.
    pub fn time(&self, at: Timestamp, zone: &TimeZone) -> String {
        let z = at.to_zoned(zone.clone());
        let name = zone.iana_name().unwrap_or("UTC");
        match self.lang {
            Lang::En => format!("{} ({name})", z.strftime("%-d %b %Y, %H:%M")),
            Lang::ZhCn => format!("{} ({name})", z.strftime("%Y年%-m月%-d日 %H:%M")),
        }
    }

    /// A calendar day, as the language writes it.
    pub fn date(&self, day: jiff::civil::Date) -> String {
        match self.lang {
            Lang::En => day.strftime("%-d %b %Y").to_string(),
            Lang::ZhCn => day.strftime("%Y年%-m月%-d日").to_string(),
        }
    }

    /// "in 3 days" / "overdue by 5 hours", in whole days or hours.
    pub fn remaining(&self, left: SignedDuration) -> String {
        let (key, d) = if left.is_negative() { ("time-overdue-by", -left) } else { ("time-left", left) };
        // Time left rounds up (6.9 days is "7 days left"); time overdue rounds down.
        let hours = if left.is_negative() { d.as_hours() } else { (d.as_secs() + 3599) / 3600 };
        let amount = if hours >= 48 {
            let days = if left.is_negative() { hours / 24 } else { (hours + 23) / 24 };
            self.t_with("unit-days", &[("n", FluentValue::from(days))])
        } else {
            self.t_with("unit-hours", &[("n", FluentValue::from(hours.max(1)))])
        };
        self.t_with(key, &[("amount", FluentValue::from(amount))])
    }
}

/// The words of a content-free notification, in the recipient's language.
pub struct NoticeTexts;

impl NoticeTexts {
    /// The message keys of a notice kind: subject, body.
    pub fn keys(kind: NoticeKind) -> (&'static str, &'static str) {
        match kind {
            NoticeKind::Attention => ("email-subject", "email-body"),
            NoticeKind::Invitation => ("email-invitation-subject", "email-invitation-body"),
            NoticeKind::Reset => ("email-reset-subject", "email-reset-body"),
            NoticeKind::SignInFailures => ("email-sign-in-failures-subject", "email-sign-in-failures-body"),
            NoticeKind::RecoveryHolders => ("email-recovery-holders-subject", "email-recovery-holders-body"),
            NoticeKind::RecoveryApproval => ("email-recovery-approval-subject", "email-recovery-approval-body"),
            NoticeKind::SecondFactorSet => ("email-second-factor-set-subject", "email-second-factor-set-body"),
            NoticeKind::RecoveryCodeUsed => ("email-recovery-code-used-subject", "email-recovery-code-used-body"),
            NoticeKind::Justification => ("email-justification-subject", "email-justification-body"),
            NoticeKind::CheckInReminder => ("email-check-in-subject", "email-check-in-body"),
        }
    }
}

impl ombud_service::NoticeText for NoticeTexts {
    fn subject(&self, lang: &str, kind: NoticeKind) -> String {
        Lang::parse(lang).unwrap_or_default().tr().t(Self::keys(kind).0)
    }

    fn body(&self, lang: &str, kind: NoticeKind, link: &str) -> String {
        Lang::parse(lang)
            .unwrap_or_default()
            .tr()
            .t_with(Self::keys(kind).1, &[("link", FluentValue::from(link.to_owned()))])
    }
}

/// A handler asks for `lang: Lang`; the negotiation layer has chosen it.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Lang>().copied().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_heaviest_supported_language() {
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, zh;q=0.4"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(query_lang(Some("a=1&lang=zh-CN")), Some(Lang::ZhCn));
    }

    #[test]
    fn remaining_time_reads_naturally_in_both_languages() {
        let en = Lang::En.tr();
        assert_eq!(en.remaining(SignedDuration::from_hours(24 * 6 + 3)), "7 days left");
        assert_eq!(en.remaining(SignedDuration::from_hours(24 * 7) - SignedDuration::from_secs(5)), "7 days left");
        assert_eq!(en.remaining(SignedDuration::from_hours(-5)), "overdue by 5 hours");
        let zh = Lang::ZhCn.tr();
        assert_eq!(zh.remaining(SignedDuration::from_hours(24 * 6)), "剩余 6 天");
    }
}
