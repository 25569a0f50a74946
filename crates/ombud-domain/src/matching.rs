//! Who in the directory a reporter may mean, from a name as people write it:
//! in characters or in pinyin, either order, any case, with or without
//! spaces, inside a phrase with a title, a unit or brackets (`孙浩（销售经理）`,
//! `Sun Hao, Sales North manager`, `Manager Sun from Sales North`).
//!
//! The answer is every person she could mean, never a guess at one: routing
//! keeps every candidate's chain out (fail closed), and only a single full-name
//! match counts as confident. Transliteration is the `pinyin` crate's, with
//! every reading of a character, so polyphonic surnames (单 Shan/Dan, 曾
//! Zeng/Ceng, 解 Xie/Jie…) match either way.

use pinyin::ToPinyinMulti;
use std::collections::{BTreeSet, HashMap};

/// How far a candidate was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Only a surname (and maybe a unit) matched: one of several possible people.
    Surname,
    /// A whole name matched (any script, any order).
    FullName,
}

/// One directory person as the matcher sees her.
#[derive(Clone, Debug)]
pub struct NamedEntry {
    pub id: String,
    /// Her name and every other name the directory holds for her.
    pub names: Vec<String>,
    /// Her unit, used as a hint when only a surname matched.
    pub unit: String,
}

/// The directory's names, keyed for matching. Built once per directory revision.
#[derive(Default, Debug)]
pub struct NameIndex {
    entries: Vec<NamedEntry>,
    /// A whole name, normalised (`sunhao`, `haosun`, `孙浩`) → people.
    full: HashMap<String, Vec<usize>>,
    /// A surname, normalised (`sun`, `孙`) → people.
    surname: HashMap<String, Vec<usize>>,
}

/// Readings of one character kept for a name: enough for every surname, bounded
/// so a long run of characters cannot explode into combinations.
const MAX_COMBINATIONS: usize = 64;
/// Chinese names are two to four characters.
const HAN_NAME_LENGTHS: std::ops::RangeInclusive<usize> = 2..=4;
/// A name field is short; a longer one is read only this far, so a name of
/// hundreds of many-reading characters cannot make matching costly.
const MAX_TEXT_CHARS: usize = 120;
/// Two-character surnames, written first.
const COMPOUND_SURNAMES: [&str; 12] =
    ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文"];

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A given and a family name as one name, as their own script writes it:
/// 孙 + 丽 is 孙丽 (family first, no space), Li + Na is "Li Na".
pub fn whole_name(given: &str, family: &str) -> String {
    let han = |s: &str| s.chars().any(is_han);
    if han(given) && han(family) { format!("{family}{given}") } else { format!("{given} {family}") }
}

/// The toneless readings of one character, lowercase.
fn readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let plain = p.plain().to_lowercase();
            if !out.contains(&plain) {
                out.push(plain);
            }
        }
    }
    out
}

/// Every spelling of a run of characters: each a list of syllables.
fn spellings(han: &[char]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for &c in han {
        let options = readings(c);
        if options.is_empty() {
            return Vec::new();
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                options.iter().map(move |r| {
                    let mut next = prefix.clone();
                    next.push(r.clone());
                    next
                })
            })
            .take(MAX_COMBINATIONS)
            .collect();
    }
    out
}

/// Latin words of a text, lowercase (`Sun Hao, Sales` → `sun`, `hao`, `sales`).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() || is_han(c)).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Runs of Chinese characters in a text.
fn han_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for c in text.chars() {
        if is_han(c) {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// How many leading characters of a Chinese name are its surname.
fn surname_len(han: &[char]) -> usize {
    let first_two: String = han.iter().take(2).collect();
    if han.len() > 2 && COMPOUND_SURNAMES.contains(&first_two.as_str()) { 2 } else { 1 }
}

/// The keys a directory name is found by, and its surname keys.
fn directory_keys(name: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut full, mut surnames) = (BTreeSet::new(), BTreeSet::new());
    for han in han_runs(name).into_iter().filter(|r| r.len() >= 2) {
        let cut = surname_len(&han);
        full.insert(han.iter().collect());
        surnames.insert(han[..cut].iter().collect());
        for spelling in spellings(&han) {
            full.insert(spelling.concat());
            // Western order: given name first (`Hao Sun`).
            full.insert(format!("{}{}", spelling[cut..].concat(), spelling[..cut].concat()));
            surnames.insert(spelling[..cut].concat());
        }
    }
    let latin = words(name);
    if !latin.is_empty() {
        full.insert(latin.concat());
        full.insert(latin.iter().rev().cloned().collect::<Vec<_>>().concat());
        // Either end may be the surname, depending on who wrote it.
        surnames.extend([latin[0].clone(), latin[latin.len() - 1].clone()]);
    }
    (full, surnames)
}

/// The keys a reporter's text could name someone by: every run of one to
/// three words, every two to four characters, and their spellings.
fn phrase_keys(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut full, mut singles) = (BTreeSet::new(), BTreeSet::new());
    let latin = words(text);
    for len in 1..=3 {
        for window in latin.windows(len) {
            full.insert(window.concat());
        }
    }
    singles.extend(latin);
    for han in han_runs(text) {
        for c in &han {
            singles.insert(c.to_string());
            singles.extend(readings(*c));
        }
        for len in HAN_NAME_LENGTHS {
            for window in han.windows(len) {
                full.insert(window.iter().collect());
                full.extend(spellings(window).iter().map(|s| s.concat()));
            }
        }
    }
    (full, singles)
}

impl NameIndex {
    pub fn new(entries: Vec<NamedEntry>) -> Self {
        let mut index = NameIndex { entries: Vec::new(), full: HashMap::new(), surname: HashMap::new() };
        for (i, entry) in entries.iter().enumerate() {
            for name in &entry.names {
                let (full, surnames) = directory_keys(name);
                for key in full {
                    push_unique(index.full.entry(key).or_default(), i);
                }
                for key in surnames {
                    push_unique(index.surname.entry(key).or_default(), i);
                }
            }
        }
        index.entries = entries;
        index
    }

    /// Everyone the text could name, with how far each matched. Whole names
    /// first: if any whole name matches, only those are candidates; else every
    /// person whose surname appears, narrowed to those whose unit the text
    /// also names, when it names one.
    pub fn candidates(&self, text: &str) -> Vec<(&str, Strength)> {
        let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
        let (full, singles) = phrase_keys(&text);
        let mut found: BTreeSet<usize> = full.iter().filter_map(|k| self.full.get(k)).flatten().copied().collect();
        let strength = if found.is_empty() {
            found = singles.iter().filter_map(|k| self.surname.get(k)).flatten().copied().collect();
            let lowered = text.to_lowercase();
            let in_unit: BTreeSet<usize> = found
                .iter()
                .copied()
                .filter(|&i| {
                    let unit = self.entries[i].unit.to_lowercase();
                    !unit.trim().is_empty() && lowered.contains(unit.trim())
                })
                .collect();
            if !in_unit.is_empty() {
                found = in_unit;
            }
            Strength::Surname
        } else {
            Strength::FullName
        };
        found.into_iter().map(|i| (self.entries[i].id.as_str(), strength)).collect()
    }

    /// The one person a text names by her whole name, when exactly one matches.
    pub fn confident(&self, text: &str) -> Option<&str> {
        match self.candidates(text).as_slice() {
            [(id, Strength::FullName)] => Some(id),
            _ => None,
        }
    }
}

fn push_unique(list: &mut Vec<usize>, i: usize) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_name_is_written_in_its_scripts_order() {
        assert_eq!(super::whole_name("丽", "孙"), "孙丽");
        assert_eq!(super::whole_name("Na", "Li"), "Na Li");
    }

    fn entry(id: &str, names: &[&str], unit: &str) -> NamedEntry {
        NamedEntry { id: id.into(), names: names.iter().map(|n| n.to_string()).collect(), unit: unit.into() }
    }

    fn directory() -> NameIndex {
        NameIndex::new(vec![
            entry("E320", &["Sun Hao"], "Sales North"),
            entry("E321", &["Sun Li"], "Finance"),
            entry("E400", &["张伟"], "Engineering"),
            entry("E401", &["Wang Fang", "Fiona Wang; 王芳"], "Sales North"),
            entry("E402", &["单伟"], "Legal"),
            entry("E403", &["欧阳娜娜"], "Design"),
        ])
    }

    fn ids(index: &NameIndex, text: &str) -> Vec<String> {
        index.candidates(text).into_iter().map(|(id, _)| id.to_owned()).collect()
    }

    #[test]
    fn a_name_matches_in_characters_pinyin_either_order_any_case_and_spacing() {
        let d = directory();
        for text in ["孙浩", "Sun Hao", "Hao Sun", "SunHao", "sun hao", "SUN HAO", "haosun"] {
            assert_eq!(d.confident(text), Some("E320"), "{text}");
        }
        for text in ["Zhang Wei", "Wei Zhang", "zhangwei", "张伟"] {
            assert_eq!(d.confident(text), Some("E400"), "{text}");
        }
    }

    #[test]
    fn a_name_inside_a_phrase_with_a_title_unit_or_brackets() {
        let d = directory();
        for text in
            ["孙浩（销售经理）", "Sun Hao, Sales North manager", "销售部的孙浩经理", "sun.hao@example.org", "(Sun Hao)"]
        {
            assert_eq!(d.confident(text), Some("E320"), "{text}");
        }
    }

    #[test]
    fn a_surname_alone_names_everyone_it_could_be_narrowed_by_the_unit() {
        let d = directory();
        assert_eq!(ids(&d, "Manager Sun from Sales North"), ["E320"], "the unit narrows it");
        assert_eq!(ids(&d, "Manager Sun"), ["E320", "E321"], "both Suns, failing closed");
        assert_eq!(ids(&d, "孙经理"), ["E320", "E321"]);
        assert_eq!(d.confident("Manager Sun"), None);
    }

    #[test]
    fn other_names_polyphonic_and_compound_surnames_match() {
        let d = directory();
        assert_eq!(d.confident("Fiona Wang"), Some("E401"));
        assert_eq!(d.confident("王芳"), Some("E401"));
        assert_eq!(d.confident("Shan Wei"), Some("E402"), "单 read as a surname");
        assert_eq!(d.confident("Dan Wei"), Some("E402"), "and as a word");
        assert_eq!(d.confident("Nana Ouyang"), Some("E403"), "a two-character surname, western order");
    }

    #[test]
    fn someone_the_directory_does_not_hold_is_never_a_confident_match() {
        let d = directory();
        // No whole name matches; a shared word (Li) still makes a candidate, so
        // routing fails closed rather than open.
        assert_eq!(d.confident("Li Qiang"), None);
        assert!(d.candidates("客户代表").is_empty());
        assert!(d.candidates("").is_empty());
    }
}
