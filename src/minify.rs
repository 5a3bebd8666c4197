//! `minify = true`: smaller HTML and CSS, with the same meaning.
//!
//! Deliberately conservative, a few lines of our own instead of a crate of
//! hundreds: HTML loses indentation, blank lines and comments (never inside
//! `<pre>`, `<textarea>`, `<script>` or `<style>`); CSS loses comments and
//! the white space no selector or value needs. A line break stays a line
//! break, so no space that separates words or inline elements is lost.

/// Minified HTML.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut verbatim: Option<&str> = None;
    for line in text.lines() {
        if let Some(end) = verbatim {
            out.push_str(line);
            out.push('\n');
            if line.contains(end) {
                verbatim = None;
            }
            continue;
        }
        let trimmed = line.trim();
        let trimmed = strip_comments(trimmed);
        if trimmed.trim().is_empty() {
            continue;
        }
        out.push_str(trimmed.trim());
        out.push('\n');
        for (open, close) in [
            ("<pre", "</pre>"),
            ("<textarea", "</textarea>"),
            ("<script", "</script>"),
            ("<style", "</style>"),
        ] {
            if let Some(at) = trimmed.rfind(open)
                && !trimmed[at..].contains(close)
            {
                verbatim = Some(close);
            }
        }
    }
    out
}

/// Removes `<!-- ... -->` comments that open and close on the line.
fn strip_comments(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("<!--") {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find("<!--") {
        let Some(close) = rest[open..].find("-->") else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 3..];
    }
    out.push_str(rest);
    out.into()
}

/// Minified CSS.
pub fn css(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c && !escaped {
                        break;
                    }
                    escaped = inner == '\\' && !escaped;
                }
            }
            c if c.is_whitespace() => pending_space = true,
            '{' | '}' | ';' | ',' | '>' => {
                pending_space = false;
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
            }
            c => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out.push('\n');
    out
}

/// Writes a pending space unless the character before or after makes it useless.
fn flush_space(out: &mut String, pending: &mut bool, next: char) {
    if *pending && !out.is_empty() && !out.ends_with(['{', '}', ';', ',', '>']) && next != '!' {
        out.push(' ');
    }
    *pending = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_indentation_and_comments_but_keeps_pre() {
        let text =
            "<ul>\n    <li>A</li>\n\n    <!-- note --><li>B</li>\n</ul>\n<pre>\n  code\n\n</pre>\n";
        assert_eq!(
            html(text),
            "<ul>\n<li>A</li>\n<li>B</li>\n</ul>\n<pre>\n  code\n\n</pre>\n"
        );
    }

    #[test]
    fn css_keeps_what_selectors_and_values_need() {
        let text = "/* c */\n.a .b:hover > c,\n.d {\n  font-family: \"Segoe UI\",  sans-serif;\n  margin: 0 auto !important;\n}\n";
        assert_eq!(
            css(text),
            ".a .b:hover>c,.d{font-family: \"Segoe UI\",sans-serif;margin: 0 auto!important}\n"
        );
    }
}
