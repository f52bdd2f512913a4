//! Page contexts: Rust computes every fact, link and order; templates only format.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::{json, Value};

use super::diagram::{self, TreeNode};
use super::links::{func_anchor, method_anchor, ref_page, rel, slug, type_anchor, Mentions, SourceLinks};
use crate::model::Model;
use crate::scanner::Scan;

/// A page before rendering: which template, with what context.
pub struct PageSpec {
    pub id: String,
    pub title: String,
    /// `(title, page id)` from the home page down, the page itself excluded.
    pub breadcrumbs: Vec<(String, String)>,
    pub template: &'static str,
    pub context: Value,
    /// Mermaid text to SVG, for the HTML conversion.
    pub diagrams: HashMap<String, String>,
}

/// One search entry: `[name, kind, detail, page id, anchor]`.
pub type SearchEntry = [String; 5];

pub struct Builder<'a> {
    pub scan: &'a Scan,
    pub topics: &'a Value,
    pub root: &'a Path,
    pub source: SourceLinks,
    pub mentions: Mentions,
    pub title: String,
    pub search: std::cell::RefCell<Vec<SearchEntry>>,
}

impl<'a> Builder<'a> {
    fn model(&self) -> &'a Model {
        &self.scan.model
    }

    fn src(&self, from: &str, path: &str, line: u64) -> String {
        self.source.url(from, path, line as u32)
    }

    /// The source link of a topic entry with `file` and `line` keys.
    fn src_of(&self, from: &str, entry: &Value) -> String {
        self.src(
            from,
            entry["file"].as_str().unwrap_or(""),
            entry["line"].as_u64().unwrap_or(0),
        )
    }

    /// A link to a type's reference entry (`import/path.Name`), recorded as a mention; `None` when the type is not
    /// in the scanned tree.
    fn type_link(&self, from: &str, id: &str) -> Option<String> {
        let (path, name) = id.rsplit_once('.')?;
        let pkg = self.model().package_by_path(path)?;
        if !self.model().pkg(pkg).type_index.contains_key(name) {
            return None;
        }
        let anchor = type_anchor(name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    fn package_link(&self, from: &str, path: &str) -> Option<String> {
        self.model().package_by_path(path)?;
        self.mentions.add(path, "", from);
        Some(rel(from, &ref_page(path), None))
    }

    fn type_value(&self, from: &str, id: &str) -> Value {
        let short = id.rsplit('/').next().unwrap_or(id);
        let name = short.rsplit('.').next().unwrap_or(short);
        json!({ "id": id, "short": short, "name": name, "href": self.type_link(from, id) })
    }

    fn array(&self, key: &str) -> Vec<Value> {
        self.topics
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    fn search(&self, name: &str, kind: &str, detail: &str, page: &str, anchor: &str) {
        self.search.borrow_mut().push([
            name.to_string(),
            kind.to_string(),
            detail.to_string(),
            page.to_string(),
            anchor.to_string(),
        ]);
    }

    fn page(&self, id: &str, title: &str, crumbs: &[(&str, &str)], template: &'static str, context: Value) -> PageSpec {
        PageSpec {
            id: id.to_string(),
            title: title.to_string(),
            breadcrumbs: crumbs.iter().map(|(t, p)| (t.to_string(), p.to_string())).collect(),
            template,
            context,
            diagrams: HashMap::new(),
        }
    }

    /// Every guide page, then the reference pages of the packages they mention.
    pub fn pages(&self) -> Vec<PageSpec> {
        let mut pages = Vec::new();
        let binaries = self.binary_pages();
        let preflight = self.preflight_page();
        let workqueue = self.workqueue_page();
        let volumes = self.volume_pages();
        pages.push(self.home(&binaries, preflight.is_some(), workqueue.is_some(), volumes.len()));
        pages.push(self.cmd_index(preflight.is_some()));
        pages.extend(binaries);
        pages.extend(preflight);
        pages.extend(workqueue);
        pages.extend(volumes);
        pages.extend(self.reference_pages());
        pages
    }

    fn home(&self, binaries: &[PageSpec], preflight: bool, workqueue: bool, volume_pages: usize) -> PageSpec {
        let id = "index";
        let stats = &self.scan.stats;
        let mut guides = vec![json!({
            "title": "The cmd/ tree",
            "href": rel(id, "cmd/index", None),
            "summary": format!("{} binaries, their commands and flags.", binaries.len()),
        })];
        if workqueue {
            guides.push(json!({
                "title": "The workqueue",
                "href": rel(id, "workqueue", None),
                "summary": "How Add, Get and Done cooperate, the rate limiters, and who builds queues.",
            }));
        }
        if volume_pages > 0 {
            guides.push(json!({
                "title": "Volume plugins",
                "href": rel(id, "volume/index", None),
                "summary": format!("{} plugins: names, capabilities, platforms, mounters.", volume_pages.saturating_sub(1)),
            }));
        }
        if preflight {
            guides.push(json!({
                "title": "kubeadm preflight checks",
                "href": rel(id, "cmd/kubeadm-preflight", None),
                "summary": "Which checks run on which platform.",
            }));
        }
        let mut largest: Vec<(usize, &crate::model::Package)> = self
            .model()
            .packages
            .iter()
            .filter(|p| !p.import_path.ends_with("_test"))
            .map(|p| (p.types.len() + p.funcs.len() + p.methods.len(), p))
            .collect();
        largest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.import_path.cmp(&b.1.import_path)));
        let largest: Vec<Value> = largest
            .iter()
            .take(12)
            .map(|(_, p)| {
                json!({
                    "import_path": p.import_path,
                    "href": self.package_link(id, &p.import_path),
                    "files": p.files.len(),
                    "types": p.types.len(),
                    "funcs": p.funcs.len(),
                    "methods": p.methods.len(),
                })
            })
            .collect();
        let context = json!({
            "title": self.title,
            "release": self.source.ref_name,
            "stats": {
                "files": stats.files, "bytes": stats.bytes, "packages": stats.packages, "types": stats.types,
                "methods": stats.methods, "funcs": stats.funcs, "parse_error_files": stats.parse_error_files,
                "unreadable_files": stats.unreadable_files,
            },
            "binaries": binaries.len(),
            "commands": self.array("cobra_commands").len(),
            "flags": self.array("flags").len(),
            "guides": guides,
            "largest": largest,
        });
        self.page(id, &self.title, &[], "home.md", context)
    }

    fn binary_page_id(dir: &str) -> String {
        format!("cmd/{}", dir.rsplit('/').next().unwrap_or(dir))
    }

    fn cmd_index(&self, preflight: bool) -> PageSpec {
        let id = "cmd/index";
        let list: Vec<Value> = self
            .array("binaries")
            .iter()
            .map(|b| {
                let dir = b["dir"].as_str().unwrap_or_default();
                json!({
                    "dir": dir,
                    "name": b["name"],
                    "summary": b["summary"],
                    "href": rel(id, &Self::binary_page_id(dir), None),
                    "packages": b["packages"].as_array().map_or(0, Vec::len),
                })
            })
            .collect();
        let width = list
            .iter()
            .filter_map(|b| b["name"].as_str())
            .map(str::len)
            .max()
            .unwrap_or(0);
        let tree: Vec<String> = list
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let branch = if i + 1 == list.len() { "└──" } else { "├──" };
                let name = b["name"].as_str().unwrap_or_default();
                let summary = b["summary"].as_str().unwrap_or("");
                format!("{branch} {name:<width$}  {summary}")
            })
            .collect();
        let context = json!({
            "binaries": list,
            "tree": tree,
            "preflight_href": preflight.then(|| rel(id, "cmd/kubeadm-preflight", None)),
        });
        self.page(id, "The cmd/ tree", &[("Home", "index")], "cmd_index.md", context)
    }

    fn binary_pages(&self) -> Vec<PageSpec> {
        let commands = self.array("cobra_commands");
        let by_id: BTreeMap<&str, &Value> = commands.iter().filter_map(|c| Some((c["id"].as_str()?, c))).collect();
        let flags = self.array("flags");
        let options = self.array("options_structs");
        let mut pages = Vec::new();
        for b in self.array("binaries") {
            let dir = b["dir"].as_str().unwrap_or_default().to_string();
            let id = Self::binary_page_id(&dir);
            let name = b["name"].as_str().unwrap_or_default().to_string();
            // Commands in tree order from the root, then the others of the binary.
            let mut order: Vec<(&Value, Vec<String>)> = Vec::new();
            let mut seen = BTreeSet::new();
            if let Some(root) = b["root_command"].as_str().and_then(|r| by_id.get(r)) {
                let mut stack = vec![(*root, Vec::<String>::new())];
                while let Some((c, parent_path)) = stack.pop() {
                    let Some(cid) = c["id"].as_str() else { continue };
                    if !seen.insert(cid) {
                        continue;
                    }
                    let mut path = parent_path.clone();
                    path.push(c["use"].as_str().unwrap_or("?").to_string());
                    let children: Vec<&Value> = c["children"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|ch| by_id.get(ch.as_str()?).copied())
                        .collect();
                    for ch in children.into_iter().rev() {
                        stack.push((ch, path.clone()));
                    }
                    order.push((c, path));
                }
            }
            for c in &commands {
                if c["binary"].as_str() == Some(dir.as_str()) && !seen.contains(c["id"].as_str().unwrap_or_default()) {
                    order.push((c, vec![c["use"].as_str().unwrap_or("?").to_string()]));
                }
            }
            // A command whose name is not static shows as `?`, which the slug drops: its line keeps its anchor apart.
            let mut anchors = BTreeSet::new();
            let anchor_of: HashMap<&str, String> = order
                .iter()
                .filter_map(|(c, path)| {
                    let mut anchor = format!("cmd-{}", slug(&path.join(" ")));
                    if !anchors.insert(anchor.clone()) {
                        anchor = format!("{anchor}-line-{}", c["line"]);
                        anchors.insert(anchor.clone());
                    }
                    Some((c["id"].as_str()?, anchor))
                })
                .collect();
            let command_values: Vec<Value> = order
                .iter()
                .map(|(c, path)| {
                    let cid = c["id"].as_str().unwrap_or_default();
                    let anchor = anchor_of[cid].clone();
                    let own_flags: Vec<Value> = flags
                        .iter()
                        .filter(|f| f["command"].as_str() == Some(cid))
                        .map(|f| self.flag_value(&id, f))
                        .collect();
                    self.search(
                        &path.join(" "),
                        "command",
                        c["short"].as_str().unwrap_or(""),
                        &id,
                        &anchor,
                    );
                    for f in &own_flags {
                        self.search(
                            &format!("--{}", f["name"].as_str().unwrap_or("")),
                            "flag",
                            &path.join(" "),
                            &id,
                            &anchor,
                        );
                    }
                    json!({
                        "anchor": anchor,
                        "path": path.join(" "),
                        "use_full": c["use_full"],
                        "use_full_expr": c["use_full_expr"],
                        "short": c["short"],
                        "long": c["long"],
                        "example": c["example"],
                        "aliases": c["aliases"],
                        "hidden": c["hidden"],
                        "deprecated": c.get("deprecated").cloned().unwrap_or(Value::Null),
                        "parent": c["parent"].as_str().and_then(|p| anchor_of.get(p)).map(|a| format!("#{a}")),
                        "src": self.src_of(&id, c),
                        "location": format!("{}:{}", c["file"].as_str().unwrap_or(""), c["line"]),
                        "function": c["function"],
                        "flags": own_flags,
                    })
                })
                .collect();
            // The command tree, when the binary has a root.
            let mut diagrams = HashMap::new();
            let tree = b["root_command"].as_str().and_then(|r| by_id.get(r)).map(|root| {
                let node = self.command_tree(&id, root, &by_id, &anchor_of, &mut BTreeSet::new());
                let mermaid = diagram::mermaid(&node);
                diagrams.insert(mermaid.clone(), diagram::svg(&node, &format!("{name} command tree")));
                mermaid
            });
            let prefix = format!("{dir}/");
            let option_values: Vec<Value> = options
                .iter()
                .filter(|o| o["file"].as_str().is_some_and(|f| f.starts_with(&prefix)))
                .map(|o| {
                    let ty = o["type"].as_str().unwrap_or_default();
                    let oflags: Vec<Value> = flags
                        .iter()
                        .filter(|f| f["options_type"].as_str() == Some(ty))
                        .map(|f| self.flag_value(&id, f))
                        .collect();
                    let anchor = format!("options-{}", slug(ty.rsplit('.').next().unwrap_or(ty)));
                    for f in &oflags {
                        self.search(
                            &format!("--{}", f["name"].as_str().unwrap_or("")),
                            "flag",
                            ty,
                            &id,
                            &anchor,
                        );
                    }
                    json!({
                        "anchor": anchor,
                        "type": self.type_value(&id, ty),
                        "methods": o["methods"],
                        "src": self.src_of(&id, o),
                        "flags": oflags,
                    })
                })
                .collect();
            let packages: Vec<Value> = b["packages"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let path = p["import_path"].as_str().unwrap_or_default();
                    json!({
                        "dir": p["dir"], "name": p["name"], "files": p["files"], "summary": p["summary"],
                        "href": self.package_link(&id, path),
                    })
                })
                .collect();
            let context = json!({
                "name": name,
                "dir": dir,
                "summary": b["summary"],
                "summary_source": b["summary_source"],
                "main_src": b["main_file"].as_str().map(|f| self.src(&id, f, b["main_line"].as_u64().unwrap_or(1))),
                "main_file": b["main_file"],
                "tree": tree,
                "commands": command_values,
                "options": option_values,
                "packages": packages,
                "preflight_href": (name == "kubeadm" && !self.array("preflight_checks").is_empty())
                    .then(|| rel(&id, "cmd/kubeadm-preflight", None)),
            });
            let mut page = self.page(
                &id,
                &name,
                &[("Home", "index"), ("The cmd/ tree", "cmd/index")],
                "binary.md",
                context,
            );
            page.diagrams = diagrams;
            pages.push(page);
        }
        pages
    }

    fn command_tree(
        &self,
        page: &str,
        c: &Value,
        by_id: &BTreeMap<&str, &Value>,
        anchors: &HashMap<&str, String>,
        seen: &mut BTreeSet<String>,
    ) -> TreeNode {
        let cid = c["id"].as_str().unwrap_or_default();
        seen.insert(cid.to_string());
        let children = c["children"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|ch| by_id.get(ch.as_str()?).copied())
            .filter(|ch| !seen.contains(ch["id"].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|ch| self.command_tree(page, ch, by_id, anchors, seen))
            .collect();
        TreeNode {
            label: c["use"].as_str().unwrap_or("?").to_string(),
            note: c["short"].as_str().map(|s| s.to_string()),
            href: anchors.get(cid).map(|a| rel(page, page, Some(a))),
            children,
        }
    }

    fn flag_value(&self, page: &str, f: &Value) -> Value {
        json!({
            "name": f["name"],
            "shorthand": f["shorthand"],
            "type": f["type"],
            "default": f["default"],
            "usage": f["usage"].as_str().map(str::to_string).or_else(|| f["usage_expr"].as_str().map(|e| format!("({e})"))),
            "deprecated": f["deprecated"],
            "hidden": f["hidden"],
            "persistent": f["persistent"],
            "field": f["field"],
            "src": self.src_of(page, f),
        })
    }

    fn preflight_page(&self) -> Option<PageSpec> {
        let checks = self.array("preflight_checks");
        if checks.is_empty() {
            return None;
        }
        let id = "cmd/kubeadm-preflight";
        let platforms = crate::platform::PLATFORMS;
        let rows: Vec<Value> = checks
            .iter()
            .map(|c| {
                let on: Vec<&str> = c["platforms"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let ty = c["type"].as_str().unwrap_or_default();
                self.search(
                    ty.rsplit('.').next().unwrap_or(ty),
                    "preflight check",
                    c["name"].as_str().unwrap_or(""),
                    id,
                    "",
                );
                json!({
                    "type": self.type_value(id, ty),
                    "name": c["name"],
                    "name_expr": c.get("name_expr").cloned().unwrap_or(Value::Null),
                    "on": platforms.iter().map(|p| on.contains(p)).collect::<Vec<_>>(),
                    "src": self.src_of(id, c),
                })
            })
            .collect();
        let assembled: Vec<Value> = self
            .array("preflight_checks_assembled")
            .iter()
            .map(|a| {
                json!({
                    "function": a["function"],
                    "src": self.src_of(id, a),
                    "location": format!("{}:{}", a["file"].as_str().unwrap_or(""), a["line"]),
                    "elements": a["elements"].as_array().into_iter().flatten().map(|e| {
                        let e = e.as_str().unwrap_or_default();
                        match self.type_link(id, e) {
                            Some(href) => json!({ "text": e.rsplit('.').next().unwrap_or(e), "href": href }),
                            None => json!({ "text": e, "href": null }),
                        }
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let context = json!({ "platforms": platforms, "checks": rows, "assembled": assembled });
        let mut crumbs = vec![("Home", "index"), ("The cmd/ tree", "cmd/index")];
        // The kubeadm page, when the tree has that binary.
        if self.array("binaries").iter().any(|b| b["name"] == "kubeadm") {
            crumbs.push(("kubeadm", "cmd/kubeadm"));
        }
        Some(self.page(id, "kubeadm preflight checks", &crumbs, "preflight.md", context))
    }

    fn workqueue_page(&self) -> Option<PageSpec> {
        let wq = self.topics.get("workqueue").filter(|w| !w.is_null())?;
        let id = "workqueue";
        let path = wq["package"].as_str().unwrap_or_default();
        let interfaces: Vec<Value> = wq["interfaces"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|group| {
                Value::Array(
                    group
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|i| {
                            let mut i = i.clone();
                            let name = i["name"].as_str().unwrap_or_default().to_string();
                            i["href"] = json!(self.type_link(id, &format!("{path}.{name}")));
                            i
                        })
                        .collect(),
                )
            })
            .collect();
        // The embedding chain, outermost first: each group's first form embeds the previous group's.
        let mut diagrams = HashMap::new();
        let chain_names: Vec<(String, Option<String>)> = interfaces
            .iter()
            .filter_map(|g| g.get(0))
            .map(|i| {
                (
                    i["name"].as_str().unwrap_or_default().to_string(),
                    i["href"].as_str().map(str::to_string),
                )
            })
            .collect();
        // The groups go from the FIFO interface outwards; each outer interface embeds the one before it, so the
        // outermost is the root of the diagram.
        let mut chain: Option<TreeNode> = None;
        for (name, href) in &chain_names {
            chain = Some(TreeNode {
                label: name.clone(),
                note: chain.as_ref().map(|inner| format!("embeds {}", inner.label)),
                href: href.clone(),
                children: chain.into_iter().collect(),
            });
        }
        let chain_diagram = chain.map(|node| {
            let mermaid = diagram::mermaid(&node);
            diagrams.insert(mermaid.clone(), diagram::svg(&node, "workqueue interfaces"));
            mermaid
        });
        let implementations: Vec<Value> = wq["implementations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                let name = i["type"].as_str().unwrap_or_default();
                json!({
                    "type": self.type_value(id, &format!("{path}.{name}")),
                    "kind": i["kind"], "declared_as": i["declared_as"], "implements": i["implements"],
                })
            })
            .collect();
        let fifo = wq.get("fifo").filter(|f| !f.is_null()).map(|f| {
            let ty = f["type"].as_str().unwrap_or_default();
            let methods: Vec<Value> = f["methods"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    let name = m["name"].as_str().unwrap_or_default();
                    let fields = m["fields"].as_array().cloned().unwrap_or_default();
                    let list = |pred: &dyn Fn(&Value) -> bool| -> Vec<String> {
                        fields
                            .iter()
                            .filter(|x| pred(x))
                            .filter_map(|x| x["field"].as_str().map(str::to_string))
                            .collect()
                    };
                    let reads = list(&|x| x["reads"] == true);
                    let writes = list(&|x| x["writes"] == true);
                    let calls: Vec<String> = fields
                        .iter()
                        .flat_map(|x| {
                            let field = x["field"].as_str().unwrap_or_default().to_string();
                            x["calls"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(move |c| Some(format!("{field}.{}", c.as_str()?)))
                        })
                        .collect();
                    let file = m["file"].as_str().unwrap_or_default();
                    let (line, end) = (m["line"].as_u64().unwrap_or(0), m["end_line"].as_u64().unwrap_or(0));
                    json!({
                        "name": name,
                        "signature": m["signature"],
                        "doc": m["doc"],
                        "href": self.method_link(id, path, ty, name),
                        "src": self.src(id, file, line),
                        "reads": reads, "writes": writes, "calls": calls,
                        "calls_methods": m["calls_methods"],
                        "fields": fields,
                        "excerpt": self.excerpt(file, line, end),
                    })
                })
                .collect();
            let walkthrough: Vec<Value> = ["Add", "Get", "Done", "ShutDown", "ShutDownWithDrain"]
                .iter()
                .filter_map(|n| methods.iter().find(|m| m["name"] == *n).cloned())
                .collect();
            json!({
                "type": self.type_value(id, &format!("{path}.{ty}")),
                "name": ty,
                "type_params": f["type_params"],
                "doc": f["doc"],
                "src": self.src_of(id, f),
                "fields": f["fields"],
                "methods": methods,
                "walkthrough": walkthrough,
            })
        });
        let limiters: Vec<Value> = wq["rate_limiters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                let ty = l["type"].as_str().unwrap_or_default();
                self.search(
                    ty.rsplit('.').next().unwrap_or(ty),
                    "rate limiter",
                    ty,
                    id,
                    "rate-limiters",
                );
                json!({
                    "type": self.type_value(id, ty),
                    "interface": l["interface"], "kind": l["kind"], "doc": l["doc"],
                    "constructors": l["constructors"].as_array().into_iter().flatten().map(|c| json!({
                        "name": c["name"], "signature": c["signature"],
                        "src": self.src_of(id, c),
                    })).collect::<Vec<_>>(),
                    "src": self.src_of(id, l),
                })
            })
            .collect();
        let consumers: Vec<Value> = wq["consumers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                json!({
                    "package": c["package"], "function": c["function"], "constructor": c["constructor"],
                    "queue_name": c["queue_name"], "rate_limiter": c["rate_limiter"],
                    "src": self.src_of(id, c),
                })
            })
            .collect();
        let constructors: Vec<Value> = wq["constructors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let name = c["name"].as_str().unwrap_or_default();
                json!({
                    "name": name, "signature": c["signature"], "type_params": c["type_params"], "doc": c["doc"],
                    "href": self.func_link(id, path, name),
                })
            })
            .collect();
        let context = json!({
            "package": path,
            "package_href": self.package_link(id, path),
            "interfaces": interfaces,
            "chain": chain_diagram,
            "implementations": implementations,
            "constructors": constructors,
            "fifo": fifo,
            "rate_limiters": limiters,
            "consumers": consumers,
        });
        let mut page = self.page(id, "The workqueue", &[("Home", "index")], "workqueue.md", context);
        page.diagrams = diagrams;
        Some(page)
    }

    fn method_link(&self, from: &str, path: &str, ty: &str, name: &str) -> Option<String> {
        self.model().package_by_path(path)?;
        let anchor = method_anchor(ty, name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    fn func_link(&self, from: &str, path: &str, name: &str) -> Option<String> {
        self.model().package_by_path(path)?;
        let anchor = func_anchor(name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    /// Lines `line..=end` of a file of the scanned tree.
    fn excerpt(&self, path: &str, line: u64, end: u64) -> Option<String> {
        let text = std::fs::read_to_string(self.root.join(path)).ok()?;
        let lines: Vec<&str> = text
            .lines()
            .skip(line.saturating_sub(1) as usize)
            .take((end + 1 - line) as usize)
            .collect();
        Some(lines.join("\n"))
    }

    fn volume_pages(&self) -> Vec<PageSpec> {
        let plugins = self.array("volume_plugins");
        if plugins.is_empty() {
            return Vec::new();
        }
        let index_id = "volume/index";
        let mut dir_count: BTreeMap<String, usize> = BTreeMap::new();
        for p in &plugins {
            *dir_count
                .entry(
                    p["dir"]
                        .as_str()
                        .unwrap_or_default()
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                )
                .or_default() += 1;
        }
        let page_of = |p: &Value| -> String {
            let last = p["dir"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            if dir_count.get(&last).copied().unwrap_or(0) > 1 {
                let ty = p["type"].as_str().unwrap_or_default().rsplit('.').next().unwrap_or("");
                format!("volume/{last}-{}", slug(ty))
            } else {
                format!("volume/{last}")
            }
        };
        let mut pages = Vec::new();
        let mut rows = Vec::new();
        for p in &plugins {
            let id = page_of(p);
            let ty = p["type"].as_str().unwrap_or_default();
            let name = p["name"].as_str().map(str::to_string);
            let title = name
                .clone()
                .unwrap_or_else(|| ty.rsplit('/').next().unwrap_or(ty).to_string());
            self.search(&title, "volume plugin", ty, &id, "");
            rows.push(json!({
                "name": name,
                "name_expr": p.get("name_expr").cloned().unwrap_or(Value::Null),
                "type": self.type_value(index_id, ty),
                "implements": p["implements"],
                "platforms": p["platforms"],
                "href": rel(index_id, &id, None),
            }));
            let constructs: Vec<Value> = p["constructs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    json!({
                        "role": c["role"],
                        "type": self.type_value(&id, c["type"].as_str().unwrap_or_default()),
                        "methods": c["methods"].as_array().into_iter().flatten().map(|m| {
                            let loc = m["locations"].get(0).and_then(Value::as_str).unwrap_or_default();
                            let (file, line) = loc.rsplit_once(':').unwrap_or((loc, "0"));
                            json!({
                                "name": m["name"], "owner": self.type_value(&id, m["owner"].as_str().unwrap_or_default()),
                                "promoted_via": m["promoted_via"],
                                "src": self.src(&id, file, line.parse().unwrap_or(0)),
                            })
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let dispatch: Vec<Value> = p["dispatch"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    let mut d = d.clone();
                    let method = d["method"].as_str().unwrap_or_default().to_string();
                    d["method_short"] = json!(method.rsplit('/').next().unwrap_or(&method));
                    d["src"] = json!(self.src_of(&id, &d));
                    d
                })
                .collect();
            let registered: Vec<Value> = p["registered"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let binary = r["binary"].as_str().unwrap_or_default();
                    json!({
                        "binary": binary,
                        "binary_href": self.array("binaries").iter().any(|b| b["dir"] == binary).then(|| rel(&id, &Self::binary_page_id(binary), None)),
                        "function": r["function"],
                        "src": self.src_of(&id, r),
                    })
                })
                .collect();
            let context = json!({
                "title": title,
                "name": name,
                "name_expr": p.get("name_expr").cloned().unwrap_or(Value::Null),
                "name_src": p["name_method"].as_str().map(|l| {
                    let (f, n) = l.rsplit_once(':').unwrap_or((l, "0"));
                    self.src(&id, f, n.parse().unwrap_or(0))
                }),
                "type": self.type_value(&id, ty),
                "dir": p["dir"],
                "src": self.src_of(&id, p),
                "implements": p["implements"],
                "platforms": p["platforms"],
                "pointer_only": p["pointer_only"],
                "constructs": constructs,
                "dispatch": dispatch,
                "registered": registered,
            });
            pages.push(self.page(
                &id,
                &title,
                &[("Home", "index"), ("Volume plugins", "volume/index")],
                "volume_plugin.md",
                context,
            ));
        }
        let context = json!({ "plugins": rows });
        let mut out = vec![self.page(
            index_id,
            "Volume plugins",
            &[("Home", "index")],
            "volume_index.md",
            context,
        )];
        out.extend(pages);
        out
    }

    /// A reference page for every package a guide mentions.
    fn reference_pages(&self) -> Vec<PageSpec> {
        let rendered: BTreeSet<String> = self.mentions.packages().into_iter().collect();
        let model = self.model();
        let mut pages = Vec::new();
        for path in &rendered {
            let Some(pkg_id) = model.package_by_path(path) else {
                continue;
            };
            let pkg = model.pkg(pkg_id);
            let id = ref_page(path);
            let link_if_rendered = |target: &str| -> Value {
                let (tpath, name) = target.rsplit_once('.').unwrap_or(("", target));
                let short = target.rsplit('/').next().unwrap_or(target);
                if rendered.contains(tpath) {
                    json!({ "text": short, "href": rel(&id, &ref_page(tpath), Some(&type_anchor(name))) })
                } else {
                    json!({ "text": short, "href": null })
                }
            };
            let doc = serde_json::to_value(crate::scan::package_doc(model, pkg)).unwrap_or(Value::Null);
            let types: Vec<Value> = doc["types"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    let name = t["name"].as_str().unwrap_or_default();
                    let anchor = type_anchor(name);
                    self.search(name, "type", path, &id, &anchor);
                    let methods: Vec<Value> = doc["methods"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|m| m["receiver"]["base"].as_str() == Some(name))
                        .map(|m| {
                            let mname = m["name"].as_str().unwrap_or_default();
                            json!({
                                "anchor": method_anchor(name, mname),
                                "name": mname,
                                "receiver": m["receiver"]["type"],
                                "signature": m["signature"],
                                "doc": m["doc"],
                                "src": self.src_of(&id, m),
                                "platforms": m["platforms"],
                            })
                        })
                        .collect();
                    let set = t["method_set"]
                        .as_array()
                        .or_else(|| t["interface"]["method_set"].as_array());
                    let method_set: Vec<Value> = set
                        .into_iter()
                        .flatten()
                        .map(|m| {
                            json!({
                                "name": m["name"], "signature": m["signature"], "value": m["value"],
                                "owner": link_if_rendered(m["owner"].as_str().unwrap_or_default()),
                                "promoted_via": m["promoted_via"],
                            })
                        })
                        .collect();
                    let backs: Vec<Value> = self
                        .mentions
                        .back_links(path, &anchor)
                        .iter()
                        .map(|p| json!({ "page": p, "href": rel(&id, p, None) }))
                        .collect();
                    json!({
                        "anchor": anchor,
                        "name": name,
                        "kind": t["kind"],
                        "type_params": t["type_params"],
                        "type": t["type"],
                        "doc": t["doc"],
                        "src": self.src_of(&id, t),
                        "platforms": t["platforms"],
                        "fields": t.get("fields").cloned().unwrap_or(json!([])),
                        "interface_methods": t["interface"]["methods"].as_array().cloned().unwrap_or_default(),
                        "embeds": t["interface"]["embeds"].as_array().cloned().unwrap_or_default(),
                        "methods": methods,
                        "method_set": method_set,
                        "implements": t.get("implements").and_then(Value::as_array).into_iter().flatten()
                            .map(|i| {
                                let mut v = link_if_rendered(i["id"].as_str().unwrap_or_default());
                                v["pointer_only"] = i["pointer_only"].clone();
                                v["platforms"] = i["platforms"].clone();
                                v
                            }).collect::<Vec<_>>(),
                        "implemented_by": t.get("implemented_by").and_then(Value::as_array).into_iter().flatten()
                            .map(|i| {
                                let mut v = link_if_rendered(i["id"].as_str().unwrap_or_default());
                                v["pointer_only"] = i["pointer_only"].clone();
                                v
                            }).collect::<Vec<_>>(),
                        "mentioned_by": backs,
                    })
                })
                .collect();
            let funcs: Vec<Value> = doc["funcs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    let name = f["name"].as_str().unwrap_or_default();
                    let anchor = func_anchor(name);
                    self.search(name, "func", path, &id, &anchor);
                    json!({
                        "anchor": anchor, "name": name, "type_params": f["type_params"], "signature": f["signature"],
                        "doc": f["doc"], "platforms": f["platforms"],
                        "src": self.src_of(&id, f),
                    })
                })
                .collect();
            let consts: Vec<Value> = doc["consts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["name"] != "_")
                .map(|c| {
                    json!({
                        "name": c["name"], "type": c["type"], "expr": c["expr"], "value": c["value"],
                        "value_kind": c["value_kind"], "doc": c["doc"],
                        "src": self.src_of(&id, c),
                    })
                })
                .collect();
            let context = json!({
                "import_path": path,
                "name": pkg.name,
                "dir": pkg.dir,
                "doc": pkg.doc,
                "files": pkg.files.iter().map(|f| model.file(*f).path.clone()).collect::<Vec<_>>(),
                "types": types,
                "funcs": funcs,
                "consts": consts,
            });
            pages.push(self.page(&id, path, &[("Home", "index")], "package.md", context));
        }
        pages
    }
}
