//! Every key exists in both languages, and every key the code uses exists.

use ombud_domain::{CaseStatus, Category, DeadlineKind, EventKind, LocationKind, PersonRole, RequestKind};
use ombud_service::EscalationCause;
use ombud_service::NoticeKind;
use ombud_web::Lang;
use ombud_web::labels::{self, Label};
use std::collections::BTreeSet;
use std::path::Path;

fn keys(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).expect("locale file");
    text.lines()
        .filter_map(|l| l.split_once(" ="))
        .map(|(k, _)| k.trim().to_owned())
        .filter(|k| {
            !k.is_empty()
                && !k.starts_with('#')
                && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .collect()
}

/// Every `"…"` literal that follows `marker` in the files of a directory.
fn literals_after(dir: &str, marker: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut stack = vec![root];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("file");
        for piece in text.split(marker).skip(1) {
            // A call broken over lines (`t_with(\n    "key"`) counts too.
            let piece = if marker.ends_with('(') {
                match piece.trim_start().strip_prefix('"') {
                    Some(rest) => rest,
                    None => continue,
                }
            } else {
                piece
            };
            if let Some(end) = piece.find('"') {
                found.insert(piece[..end].to_owned());
            }
        }
    }
    found
}

fn dashed(s: &str) -> String {
    s.replace('_', "-")
}

fn keys_of<T: Label>(used: &mut BTreeSet<String>, values: &[T]) {
    used.extend(values.iter().map(|v| v.key().to_owned()));
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let en = keys("locales/en/main.ftl");
    let zh = keys("locales/zh-CN/main.ftl");
    assert!(en.len() > 150, "parsed {} keys", en.len());
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(only_en.is_empty() && only_zh.is_empty(), "missing in zh-CN: {only_en:?}; missing in en: {only_zh:?}");
}

/// Every `StatusCode::X, "code"` pair's code in the web crate's sources.
fn error_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = std::fs::read_dir(root.join("src/api")).expect("api sources").filter_map(|e| e.ok()).map(|e| e.path());
    for file in [root.join("src/error.rs"), root.join("src/extract.rs")].into_iter().chain(api) {
        let text = std::fs::read_to_string(&file).expect("file");
        for piece in text.split("StatusCode::").skip(1) {
            let rest = piece.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_');
            if let Some(rest) = rest.strip_prefix(", \"") {
                codes.insert(rest[..rest.find('"').unwrap_or(0)].to_owned());
            }
        }
    }
    assert!(codes.len() >= 15, "found {codes:?}");
    codes
}

/// The last string literal on the line of each call that starts with `call`.
fn last_literal_in_calls(dir: &str, call: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for entry in std::fs::read_dir(root).expect("dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("file");
        for piece in text.split(call).skip(1) {
            let line = &piece[..piece.find('\n').unwrap_or(piece.len())];
            if let Some(at) = line.rfind(", \"") {
                let rest = &line[at + 3..];
                found.insert(rest[..rest.find('"').unwrap_or(0)].to_owned());
            }
        }
    }
    found
}

#[test]
fn every_key_the_code_uses_exists_in_both_languages() {
    let mut used = BTreeSet::new();
    used.extend(literals_after("templates", ".t(\""));
    used.extend(literals_after("src", ".t(\""));
    used.extend(literals_after("src", ".t_with("));
    used.extend(literals_after("src", "Page::new(&state, lang, \"/\", \""));
    // Every value a page names, through the very functions the pages use.
    keys_of(&mut used, &Category::ALL);
    keys_of(&mut used, &CaseStatus::ALL);
    keys_of(&mut used, &LocationKind::ALL);
    keys_of(&mut used, &PersonRole::ALL);
    keys_of(&mut used, &RequestKind::ALL);
    keys_of(&mut used, &EventKind::ALL);
    keys_of(&mut used, &ombud_domain::ExclusionReason::ALL);
    keys_of(&mut used, &ombud_service::MatchHow::ALL);
    keys_of(&mut used, &EscalationCause::ALL);
    keys_of(&mut used, &DeadlineKind::ALL);
    keys_of(&mut used, &ombud_domain::Step::ALL);
    used.extend(DeadlineKind::ALL.into_iter().map(|k| labels::not_started_key(k).to_owned()));
    keys_of(&mut used, &ombud_domain::ClosedReason::ALL);
    keys_of(&mut used, &ombud_domain::MeasureKind::ALL);
    keys_of(&mut used, &ombud_domain::MeasureAction::ALL);
    keys_of(&mut used, &ombud_domain::CaseOutcome::ALL);
    keys_of(&mut used, &ombud_domain::Sanction::ALL);
    used.extend(ombud_web::notice_keys());
    used.extend(ombud_domain::Step::ALL.into_iter().map(|s| labels::outcome_key(s).to_owned()));
    used.extend(EventKind::ALL.into_iter().filter_map(labels::access_key).map(str::to_owned));
    keys_of(&mut used, &ombud_domain::AnswerOutcome::ALL);
    keys_of(&mut used, &ombud_domain::StaffStatus::ALL);
    keys_of(&mut used, &ombud_domain::Role::ALL);
    for kind in [NoticeKind::Attention, NoticeKind::Invitation, NoticeKind::Reset, NoticeKind::SignInFailures] {
        let (subject, body) = ombud_web::NoticeTexts::keys(kind);
        used.extend([subject.to_owned(), body.to_owned()]);
    }
    // Every error code the web layer answers with (`StatusCode::X, "code"`), as a title and a body.
    for code in error_codes() {
        used.insert(format!("error-{}", dashed(&code)));
        used.insert(format!("error-{}-body", dashed(&code)));
    }
    // Every field problem the domain and service can report, and the upload problems.
    let mut codes = last_literal_in_calls("../ombud-domain/src", "FieldError::new(");
    codes.extend(literals_after("../ombud-domain/src", "code: \""));
    codes.extend(literals_after("../ombud-service/src", "code: \""));
    codes.extend(last_literal_in_calls("../ombud-service/src", "invalid("));
    codes.extend(last_literal_in_calls("../ombud-service/src", "field("));
    codes.extend(literals_after("src", "Some(\"request-too-large"));
    codes.extend(["file-too-large".to_owned(), "request-too-large".to_owned()]);
    for code in codes.into_iter().filter(|c| !c.is_empty()) {
        used.insert(format!("field-{code}"));
    }
    let en = keys("locales/en/main.ftl");
    let zh = keys("locales/zh-CN/main.ftl");
    assert!(used.len() > 100, "found {} keys in use", used.len());
    let missing_en: Vec<&String> = used.iter().filter(|k| !en.contains(*k)).collect();
    let missing_zh: Vec<&String> = used.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(missing_en.is_empty() && missing_zh.is_empty(), "en lacks {missing_en:?}; zh-CN lacks {missing_zh:?}");
    for lang in Lang::ALL {
        assert!(lang.tr().has("landing-heading"), "{lang:?} bundle loads");
    }
}
