//! A row's Media cells: an address becomes the event's media (an image, or a
//! link to a video, a map or a page, with its credit); an embed code becomes a
//! link to its address; a quote or other text joins the summary.

use super::html::{attribute, plain_text};
use super::sheet::{Column, ConvertOptions, ImportedMedia, Problem, Row};

/// What a Media cell holds.
enum MediaCell {
    Empty,
    Url(String),
    /// An `<iframe>` embed code: its address.
    Embed(String),
    /// Other HTML, like TimelineJS's blockquote media.
    Html(String),
    Path(String),
    Text(String),
}

fn classify_media(cell: &str) -> MediaCell {
    let cell = cell.trim();
    if cell.is_empty() {
        return MediaCell::Empty;
    }
    if cell.starts_with('<') {
        if cell.to_ascii_lowercase().starts_with("<iframe")
            && let Some(src) = attribute(cell, "src")
        {
            let src = src
                .strip_prefix("//")
                .map_or(src.clone(), |rest| format!("https://{rest}"));
            return MediaCell::Embed(src);
        }
        return MediaCell::Html(cell.to_string());
    }
    if let Some(rest) = cell.strip_prefix("//") {
        return MediaCell::Url(format!("https://{rest}"));
    }
    if cell.starts_with("https://") || cell.starts_with("http://") {
        return MediaCell::Url(cell.to_string());
    }
    let path_like =
        !cell.contains(char::is_whitespace) && !cell.contains(':') && cell.contains('.');
    if path_like {
        MediaCell::Path(cell.trim_start_matches('/').to_string())
    } else {
        MediaCell::Text(cell.to_string())
    }
}

pub(super) fn media(
    row: &Row,
    options: &ConvertOptions,
    summary: &mut Option<String>,
    unused: &mut Vec<(Column, String)>,
    problems: &mut Vec<Problem>,
) -> Option<ImportedMedia> {
    let n = row.number;
    let caption = Some(row.get(Column::MediaCaption).to_string()).filter(|c| !c.is_empty());
    let credit_cell = row.get(Column::MediaCredit);
    let alt = Some(plain_text(row.get(Column::AltText))).filter(|a| !a.is_empty());
    let src = match classify_media(row.get(Column::Media)) {
        MediaCell::Empty => {
            for column in [Column::MediaCaption, Column::MediaCredit, Column::AltText] {
                if !row.get(column).is_empty() {
                    unused.push((column, row.get(column).to_string()));
                }
            }
            return None;
        }
        MediaCell::Html(html) | MediaCell::Text(html) => {
            // A quote keeps its caption and its attribution beside it.
            let mut added = html;
            if let Some(caption) = &caption {
                added.push_str(&format!("\n<p>{caption}</p>"));
            }
            if !credit_cell.is_empty() {
                added.push_str(&format!("\n<p>— {credit_cell}</p>"));
            }
            let text = summary.take().unwrap_or_default();
            *summary = Some(if text.is_empty() {
                added
            } else {
                format!("{text}\n\n{added}")
            });
            problems.push(Problem::note(
                n,
                Column::Media,
                "the Media cell holds text, not an address: it is added to the end of the summary, with its caption and credit",
            ));
            return None;
        }
        MediaCell::Embed(src) => {
            problems.push(Problem::note(
                n,
                Column::Media,
                "the Media cell holds an embed code: imported as a link to its address",
            ));
            src
        }
        MediaCell::Path(path) => {
            problems.push(
                Problem::note(
                    n,
                    Column::Media,
                    format!("`{path}` is not a web address: kept as a file under static/"),
                )
                .help(format!(
                    "put the file at static/{path}, or write its full https:// address in the sheet"
                )),
            );
            path
        }
        MediaCell::Url(url) => match options.base_url.and_then(|base| own_file(&url, base)) {
            Some(path) => path,
            None => url,
        },
    };
    let is_image = is_image_path(&src);
    let alt = match (is_image, alt) {
        (true, None) => {
            problems.push(
                Problem::note(n, Column::Media, "the image has no alt text yet").help(format!(
                    "describe each picture at its `alt = \"\"` line in {}; `explainer check` reports it until then",
                    options.events_file
                )),
            );
            Some(String::new())
        }
        (_, alt) => alt,
    };
    let credit = Some(plain_text(credit_cell)).filter(|c| !c.is_empty());
    if credit_cell.contains('<') {
        unused.push((Column::MediaCredit, credit_cell.to_string()));
    }
    Some(ImportedMedia {
        src,
        is_image,
        alt,
        caption,
        credit,
    })
}

/// A URL under the story's own address that names a file: its path under static/.
fn own_file(url: &str, base_url: &str) -> Option<String> {
    let rest = url.strip_prefix(base_url)?;
    let name = rest.rsplit('/').next()?;
    let is_file = !rest.is_empty()
        && !rest.contains(['?', '#'])
        && name.contains('.')
        && !rest.split('/').any(|p| p == "..");
    is_file.then(|| rest.to_string())
}

pub use crate::resolve::is_image_path;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_under_the_story_address_are_its_own_files() {
        assert_eq!(
            own_file(
                "https://example.org/story/images/a.jpg",
                "https://example.org/story/"
            ),
            Some("images/a.jpg".to_string())
        );
        assert_eq!(
            own_file(
                "https://example.org/story/events/a/",
                "https://example.org/story/"
            ),
            None
        );
        assert_eq!(
            own_file("https://other.org/a.jpg", "https://example.org/story/"),
            None
        );
    }
}
