//! Reading multipart forms without losing what was typed: text fields are
//! kept even when a file is too large or the request is cut off, so the form
//! can come back filled in.

use axum::extract::Multipart;
use ombud_service::Upload;
use std::collections::HashMap;

#[derive(Default, Debug)]
pub struct FormData {
    pub fields: HashMap<String, Vec<String>>,
    pub files: Vec<Upload>,
    /// Files were chosen but refused (too large, or the request was cut off).
    pub file_problem: Option<&'static str>,
    /// The name of every file she chose, kept or not: a form that comes back
    /// names the files she must choose again.
    pub file_names: Vec<String>,
}

impl FormData {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).and_then(|v| v.first()).cloned().unwrap_or_default()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

pub async fn read(mut multipart: Multipart, max_file: u64) -> FormData {
    let mut form = FormData::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                form.file_problem = Some("request-too-large");
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if !file_name.is_empty() {
                form.file_names.push(file_name.clone());
            }
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if too_large || (bytes.len() + chunk.len()) as u64 > max_file {
                            too_large = true;
                            bytes.clear();
                        } else {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        form.file_problem = Some("request-too-large");
                        return form;
                    }
                }
            }
            if too_large {
                form.file_problem = Some("file-too-large");
            } else if !(file_name.is_empty() && bytes.is_empty()) {
                // An empty part with no name is a file input left empty.
                form.files.push(Upload { name: file_name, content_type, bytes });
            }
        } else {
            // A text field is kept whatever its length: the request's own
            // limit bounds it, and everything she typed must come back.
            match field.text().await {
                // NUL is never meaningful in text, and PostgreSQL cannot store it.
                Ok(text) => form.fields.entry(name).or_default().push(text.replace('\0', "")),
                Err(_) => {
                    form.file_problem = Some("request-too-large");
                    break;
                }
            }
        }
    }
    form
}
