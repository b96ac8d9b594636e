//! The category tree: names, display order and the rule that a category
//! can never sit below itself.

use std::collections::HashMap;

/// A category or group name as an admin types it.
pub fn parse_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Enter a name.");
    }
    if name.chars().count() > 80 {
        return Err("Use at most 80 characters.");
    }
    if name.chars().any(char::is_control) {
        return Err("Use letters, digits and punctuation only.");
    }
    Ok(name.to_owned())
}

/// One node as stored: (id, parent id, name).
pub type Node<'a> = (i64, Option<i64>, &'a str);

/// The tree in display order (each parent before its children, siblings by
/// name), with each node's depth and full path ("Hardware › Laptops").
/// Nodes whose parent is unknown are shown at the top.
pub fn tree_order(nodes: &[Node]) -> Vec<(i64, usize, String)> {
    let known: HashMap<i64, &Node> = nodes.iter().map(|n| (n.0, n)).collect();
    let mut children: HashMap<Option<i64>, Vec<&Node>> = HashMap::new();
    for node in nodes {
        let parent = node.1.filter(|p| known.contains_key(p) && *p != node.0);
        children.entry(parent).or_default().push(node);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| {
            a.2.to_lowercase()
                .cmp(&b.2.to_lowercase())
                .then(a.0.cmp(&b.0))
        });
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(&Node, usize, String)> = children
        .get(&None)
        .map(|roots| {
            roots
                .iter()
                .rev()
                .map(|n| (*n, 0, n.2.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    while let Some((node, depth, path)) = stack.pop() {
        if out.len() > nodes.len() {
            break; // a stored cycle; never loop forever
        }
        if let Some(kids) = children.get(&Some(node.0)) {
            for kid in kids.iter().rev() {
                stack.push((kid, depth + 1, format!("{path} › {}", kid.2)));
            }
        }
        out.push((node.0, depth, path));
    }
    out
}

/// Whether putting `id` under `new_parent` would make it its own ancestor.
pub fn would_cycle(nodes: &[Node], id: i64, new_parent: Option<i64>) -> bool {
    let parents: HashMap<i64, Option<i64>> = nodes.iter().map(|n| (n.0, n.1)).collect();
    let mut cursor = new_parent;
    let mut steps = 0;
    while let Some(current) = cursor {
        if current == id || steps > nodes.len() {
            return true;
        }
        cursor = parents.get(&current).copied().flatten();
        steps += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: [Node; 5] = [
        (1, None, "Software"),
        (2, None, "Hardware"),
        (3, Some(2), "Printers"),
        (4, Some(2), "Laptops"),
        (5, Some(4), "Batteries"),
    ];

    #[test]
    fn parents_come_before_children_and_siblings_by_name() {
        let order: Vec<(i64, usize, String)> = tree_order(&TREE);
        assert_eq!(
            order,
            vec![
                (2, 0, "Hardware".into()),
                (4, 1, "Hardware › Laptops".into()),
                (5, 2, "Hardware › Laptops › Batteries".into()),
                (3, 1, "Hardware › Printers".into()),
                (1, 0, "Software".into()),
            ]
        );
    }

    #[test]
    fn a_category_cannot_move_below_itself() {
        assert!(would_cycle(&TREE, 2, Some(5)));
        assert!(would_cycle(&TREE, 4, Some(4)));
        assert!(!would_cycle(&TREE, 5, Some(1)));
        assert!(!would_cycle(&TREE, 3, None));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Billing "), Ok("Billing".into()));
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(81)).is_err());
        assert!(parse_name("a\u{0007}b").is_err());
    }
}
