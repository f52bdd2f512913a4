//! Tree diagrams (command trees, interface embedding), as Mermaid text for Markdown and as SVG drawn at build
//! time for HTML.

use super::html::{escape, md_to_html};

#[derive(Debug, Clone)]
pub struct TreeNode {
    pub label: String,
    /// A note after the label (a command's Short).
    pub note: Option<String>,
    /// A relative `.md` link.
    pub href: Option<String>,
    pub children: Vec<TreeNode>,
}

/// `graph LR` with one node per tree node, edges from parent to child.
pub fn mermaid(root: &TreeNode) -> String {
    let mut lines = vec!["graph LR".to_string()];
    let mut next = 0;
    mermaid_node(root, &mut next, &mut lines);
    lines.join("\n")
}

fn mermaid_node(node: &TreeNode, next: &mut usize, lines: &mut Vec<String>) -> usize {
    let id = *next;
    *next += 1;
    lines.push(format!("  n{id}[\"{}\"]", mermaid_text(&node.label)));
    for child in &node.children {
        let child_id = mermaid_node(child, next, lines);
        lines.push(format!("  n{id} --> n{child_id}"));
    }
    id
}

/// A label as Mermaid text: Mermaid reads HTML in labels, so markup and quotes become its `#name;` entity codes;
/// a line break would end the node.
fn mermaid_text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const ROW: usize = 26;
const INDENT: usize = 22;
const CHAR: usize = 8;

/// An indented tree: one row per node, elbow lines from each parent to its children. Readable at any size,
/// unlike a layered layout of a hundred commands.
pub fn svg(root: &TreeNode, title: &str) -> String {
    let mut rows: Vec<(usize, &TreeNode, Option<usize>)> = Vec::new();
    flatten(root, 0, None, &mut rows);
    let width = rows
        .iter()
        .map(|(depth, node, _)| {
            depth * INDENT + 24 + node.label.len() * CHAR + node.note.as_ref().map_or(0, |n| 16 + n.len() * 7)
        })
        .max()
        .unwrap_or(200)
        .min(1400);
    let height = rows.len() * ROW + 12;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        escape(title)
    );
    for (i, (depth, node, parent)) in rows.iter().enumerate() {
        let x = depth * INDENT + 10;
        let y = i * ROW + 20;
        if let Some(p) = parent {
            let (pdepth, _, _) = rows[*p];
            let px = pdepth * INDENT + 14;
            let py = p * ROW + 24;
            out.push_str(&format!(
                "<path class=\"edge\" d=\"M{px} {py} V{} H{}\" fill=\"none\"/>",
                y - 4,
                x - 2
            ));
        }
        let label = format!(
            "<text class=\"node\" x=\"{x}\" y=\"{y}\">{}</text>",
            escape(&node.label)
        );
        match &node.href {
            Some(href) => out.push_str(&format!("<a href=\"{}\">{label}</a>", escape(&md_to_html(href)))),
            None => out.push_str(&label),
        }
        if let Some(note) = &node.note {
            let nx = x + node.label.len() * CHAR + 16;
            out.push_str(&format!(
                "<text class=\"note\" x=\"{nx}\" y=\"{y}\">{}</text>",
                escape(note)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

fn flatten<'a>(
    node: &'a TreeNode,
    depth: usize,
    parent: Option<usize>,
    rows: &mut Vec<(usize, &'a TreeNode, Option<usize>)>,
) {
    let me = rows.len();
    rows.push((depth, node, parent));
    for child in &node.children {
        flatten(child, depth + 1, Some(me), rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(label: &str) -> TreeNode {
        TreeNode {
            label: label.into(),
            note: None,
            href: Some(format!("x.md#{label}")),
            children: Vec::new(),
        }
    }

    #[test]
    fn trees() {
        let mut root = leaf("root");
        root.children = vec![leaf("a"), leaf("b")];
        assert_eq!(
            mermaid(&root),
            "graph LR\n  n0[\"root\"]\n  n1[\"a\"]\n  n0 --> n1\n  n2[\"b\"]\n  n0 --> n2"
        );
        let svg = svg(&root, "t");
        assert!(svg.contains("href=\"x.html#a\""), "{svg}");
        assert_eq!(svg.matches("<path").count(), 2);
        assert_eq!(mermaid_text("a<b>\"c\"#`"), "a#lt;b#gt;#quot;c#quot;#35;#96;");
    }
}
