//! Snapshots of each topic's JSON on the fixture, and a user-defined topic from a kubewalk.toml.

use std::path::{Path, PathBuf};

use kubewalk::scan::topics_json;
use kubewalk::scanner::{scan, ScanOptions};
use kubewalk::topics::{extract, TopicConfig};
use serde_json::Value;

use crate::support::{write_ctl_tree, write_file, CTL_MAIN};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s")
}

/// The topics of a tree as the scan JSON holds them.
fn topics_of(root: &Path, config: &TopicConfig) -> Value {
    topics_on(root, config, None)
}

/// The topics of a tree, the binaries run on `jobs` threads.
fn topics_on(root: &Path, config: &TopicConfig, jobs: Option<usize>) -> Value {
    let options = ScanOptions {
        query: config.body_query(),
        ..ScanOptions::default()
    };
    let result = scan(root, &options).unwrap();
    topics_json(&extract(&result.model, &result.consts, &result.sources, config, jobs))
}

fn topics_with(config: &TopicConfig) -> Value {
    topics_of(&fixture(), config)
}

fn snapshot(name: &str, value: &Value) {
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!(name, serde_json::to_string_pretty(value).unwrap());
    });
}

#[test]
fn builtin_topics_of_the_fixture() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    for key in [
        "binaries",
        "cobra_commands",
        "flags",
        "options_structs",
        "workqueue",
        "volume_plugins",
        "preflight_checks",
        "preflight_checks_assembled",
        "feature_gates",
        "api_lifecycle",
        "api_lifecycle_served",
        "metrics",
    ] {
        assert!(topics.get(key).is_some(), "topic {key} is missing");
        snapshot(&format!("topic_{key}"), &topics[key]);
    }
}

#[test]
fn feature_gates_in_every_form_with_history_and_binaries() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let gates = topics["feature_gates"].as_array().unwrap();
    let gate = |name: &str, package: &str| {
        gates
            .iter()
            .find(|g| g["name"] == name && g["package"] == package)
            .unwrap_or_else(|| panic!("gate {name} of {package} not found in {gates:#?}"))
    };
    // The plain form, its history and owners from the constant's comment, and the binary that imports it.
    let swap = gate("NodeSwap", "k8s.io/kubernetes/pkg/features");
    assert_eq!(
        (&swap["default"], &swap["pre_release"]),
        (&Value::Bool(true), &Value::from("Beta"))
    );
    assert_eq!(
        swap["history"],
        serde_json::json!([{"stage": "alpha", "version": "v1.20"}, {"stage": "beta", "version": "v1.22"}])
    );
    assert_eq!(swap["owners"], serde_json::json!(["@fixture-node"]));
    assert_eq!(swap["binaries"], serde_json::json!(["kubelet"]));
    assert_eq!(
        (&swap["file"], &swap["line"]),
        (&Value::from("pkg/features/kube_features.go"), &Value::from(34))
    );
    // A field left out is Go's zero value: off, not locked.
    let widgets = gate("RotatingWidgets", "k8s.io/kubernetes/pkg/features");
    assert_eq!(
        (&widgets["default"], &widgets["lock_to_default"]),
        (&Value::Bool(false), &Value::Bool(false))
    );
    // The versioned form: every spec oldest first, the newest in effect.
    let paged = gate("PagedLists", "k8s.io/apiserver/pkg/features");
    let versions: Vec<(&str, &str)> = paged["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_str().unwrap(), v["pre_release"].as_str().unwrap()))
        .collect();
    assert_eq!(versions, [("1.8", "Alpha"), ("1.9", "Beta"), ("1.29", "GA")]);
    assert_eq!(
        (&paged["pre_release"], &paged["lock_to_default"]),
        (&Value::from("GA"), &Value::Bool(true))
    );
    assert_eq!(paged["kep"], "https://example.invalid/keps/42");
    // A gate merged from another package is registered by both, with the comment of its constant.
    let merged = gate("WatchMarkers", "k8s.io/kubernetes/pkg/features");
    assert_eq!(merged["key"], "genericfeatures.WatchMarkers");
    assert_eq!(
        merged["const_file"],
        "staging/src/k8s.io/apiserver/pkg/features/kube_features.go"
    );
    gate("WatchMarkers", "k8s.io/apiserver/pkg/features");
    // kubeadm's spec nested in a struct of its own, keyed by the map entry it is in.
    let kubeadm = gate("PublicKeysP384", "k8s.io/kubernetes/cmd/kubeadm/app/features");
    assert_eq!(
        (&kubeadm["map"], &kubeadm["pre_release"]),
        (&Value::from("InitFeatureGates"), &Value::from("Alpha"))
    );
    // The registry's own gate, keyed by an unexported constant.
    gate("AllAlpha", "k8s.io/component-base/featuregate");
    assert_eq!(gates.len(), 8);
}

#[test]
fn api_lifecycle_from_tags_defaults_and_methods_and_what_is_served() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let kinds = topics["api_lifecycle"].as_array().unwrap();
    let kind = |version: &str, name: &str| {
        kinds
            .iter()
            .find(|k| k["version"] == version && k["kind"] == name)
            .unwrap_or_else(|| panic!("{version} {name} not in {kinds:#?}"))
    };
    let dates = |k: &Value| (k["introduced"].clone(), k["deprecated"].clone(), k["removed"].clone());
    // Only introduced is tagged: the generator's defaults, three minors each, marked as such.
    let widget = kind("v1beta1", "Widget");
    assert_eq!(dates(widget), ("1.20".into(), "1.23".into(), "1.26".into()));
    assert_eq!(widget["defaulted"], serde_json::json!(["deprecated", "removed"]));
    assert_eq!(widget["group"], "widgets.example.io");
    assert_eq!(
        widget["replacement"],
        serde_json::json!({"group": "widgets.example.io", "version": "v1", "kind": "Widget"})
    );
    // Tags in the group apart from the doc comment, among other lines.
    assert_eq!(
        dates(kind("v1beta1", "Gizmo")),
        ("1.21".into(), "1.24".into(), "1.29".into())
    );
    // Hand-written methods stand in for tags; a package without the package tag has no tagged kinds.
    let legacy = kind("v1", "Legacy");
    assert_eq!(dates(legacy), ("1.0".into(), "1.19".into(), Value::Null));
    assert_eq!(legacy["source"], "methods");
    assert!(kinds
        .iter()
        .all(|k| k["kind"] != "GizmoSpec" && !(k["version"] == "v1" && k["kind"] == "Widget")));
    // Served by default: a list passed with `...`, and one resource of a disabled version.
    let served: Vec<(bool, String, Value)> = topics["api_lifecycle_served"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["enabled"].as_bool().unwrap(),
                s["version"].as_str().unwrap().to_string(),
                s["resource"].clone(),
            )
        })
        .collect();
    assert_eq!(
        served,
        [
            (true, "v1".to_string(), Value::Null),
            (false, "v1beta1".to_string(), Value::Null),
            (true, "v1beta1".to_string(), Value::from("widgets")),
        ]
    );
}

#[test]
fn metrics_with_full_names_stability_labels_and_buckets() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let metrics = topics["metrics"].as_array().unwrap();
    let metric = |name: &str| {
        metrics
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in {metrics:#?}"))
    };
    // The package imported under another name; the name parts are constants of the declaring package.
    let requests = metric("widget_controller_requests_total");
    assert_eq!(
        (&requests["type"], &requests["stability"]),
        (&Value::from("Counter"), &Value::from("STABLE"))
    );
    assert_eq!(requests["labels"], serde_json::json!(["verb", "code"]));
    assert_eq!(requests["deprecated_version"], "1.30.0");
    assert_eq!(requests["function"], "var requests");
    // Stability left out is the package's default; buckets as the exponential constructor computes them.
    let latency = metric("widget_controller_request_duration_seconds");
    assert_eq!(
        (&latency["type"], &latency["stability"]),
        (&Value::from("Histogram"), &Value::from("ALPHA"))
    );
    assert_eq!(latency["buckets"], serde_json::json!([0.001, 0.002, 0.004, 0.008]));
    assert_eq!(latency["function"], "var requestLatency");
    assert_eq!(metrics.len(), 2);
}

/// Registries of each shape, on the registry tree of the diff fixtures.
#[test]
fn registries_by_method_calls_index_assignments_and_map_literals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff/controllers.added/new");
    let config = TopicConfig::load(&root, None).unwrap();
    let topics = topics_of(&root, &config);
    let entries = |id: &str| -> Vec<(String, Value, Value, Value)> {
        topics[id]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["name"].as_str().unwrap().to_string(),
                    e["order"].clone(),
                    e["default"].clone(),
                    e["implements"].clone(),
                )
            })
            .collect()
    };
    // plugins.Register(PluginName, factory) on a *admission.Plugins parameter; the order and default-on lists.
    assert_eq!(
        entries("admission_plugins"),
        [
            (
                "AlwaysPullImages".to_string(),
                Value::from(0),
                Value::Bool(true),
                serde_json::json!(["MutationInterface"])
            ),
            (
                "DenyAll".to_string(),
                Value::from(1),
                Value::Bool(false),
                serde_json::json!(["ValidationInterface"])
            ),
        ]
    );
    // The entries of the registry map, and the extension points their packages implement.
    assert_eq!(
        entries("scheduler_plugins"),
        [
            (
                "ImageLocality".to_string(),
                Value::Null,
                Value::Null,
                serde_json::json!(["Plugin", "ScorePlugin"])
            ),
            (
                "NodeName".to_string(),
                Value::Null,
                Value::Null,
                serde_json::json!(["FilterPlugin", "Plugin"])
            ),
        ]
    );
    // The default profile: where each plugin is enabled, with its weight.
    let profile: Vec<Value> = topics["scheduler_plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["profile"].clone())
        .collect();
    // MultiPoint stands for every extension point the plugin's type (the one whose Name() returns its name)
    // implements; the weight goes with Score.
    let points = |p: &Value| -> Vec<(String, Value, Value)> {
        p.as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["extension_point"].as_str().unwrap().to_string(),
                    u["weight"].clone(),
                    u["via"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        points(&profile[0]),
        [("Score".to_string(), Value::from(1), Value::from("MultiPoint"))]
    );
    assert_eq!(
        points(&profile[1]),
        [("Filter".to_string(), Value::Null, Value::from("MultiPoint"))]
    );
    // controllers["x"] = start, off when listed as disabled, and the condition of one inside an if.
    let controllers = topics["controllers"].as_array().unwrap();
    let names: Vec<(&str, bool, Option<&str>)> = controllers
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["default"].as_bool().unwrap(),
                c["condition"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("endpoint", true, None),
            ("podgc", true, None),
            ("route", true, Some("cloud")),
            ("tokencleaner", false, None)
        ]
    );
    assert_eq!(controllers[0]["value"], "startEndpointController");
}

#[test]
fn command_texts_computed_by_the_program_are_evaluated() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let commands = topics["cobra_commands"].as_array().unwrap();
    let by_short = |short: &str| {
        commands
            .iter()
            .find(|c| c["short"] == short)
            .unwrap_or_else(|| panic!("no command {short:?}"))
    };
    // fmt.Sprintf("dump-keys [--%s=N] PREFIX", limitFlag), "dump-workers " + workerUsage and
    // fmt.Sprintf("dump-%s", strings.ToLower(limitFlag)): what the program makes of them.
    let keys = by_short("Print the keys that start with PREFIX");
    assert_eq!(keys["use"], "dump-keys");
    assert_eq!(keys["use_full"], "dump-keys [--limit=N] PREFIX");
    assert_eq!(keys["path"], "kube-widget dump-keys");
    assert_eq!(by_short("Print what each worker is doing")["use"], "dump-workers");
    assert_eq!(by_short("Print the current limit")["use"], "dump-limit");
}

#[test]
fn user_defined_topics_from_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubewalk.toml");
    std::fs::write(
        &path,
        r#"
[[topic]]
id = "mounters"
kind = "implementers"
interface = "k8s.io/kubernetes/pkg/volume.Mounter"

[[topic]]
id = "queue_builders"
kind = "calls"
functions = ["k8s.io/client-go/util/workqueue.NewNamedRateLimitingQueue", "k8s.io/client-go/util/workqueue.New"]

[[topic]]
id = "volume_specs"
kind = "literals"
type = "k8s.io/kubernetes/pkg/volume.Spec"
"#,
    )
    .unwrap();
    let config = TopicConfig::load(&fixture(), Some(&path)).unwrap();
    let topics = topics_with(&config);
    let mounters: Vec<&str> = topics["mounters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        mounters,
        [
            "k8s.io/kubernetes/pkg/volume/emptydir.emptyDir",
            "k8s.io/kubernetes/pkg/volume/fakedisk.fakeDiskMounter",
            "k8s.io/kubernetes/pkg/volume/hostpath.hostPathMounter",
            "k8s.io/kubernetes/pkg/volume/projected.projectedMounter",
        ]
    );
    snapshot("user_topic_queue_builders", &topics["queue_builders"]);
    snapshot("user_topic_volume_specs", &topics["volume_specs"]);
    // The built-in topics are still there.
    assert!(topics["volume_plugins"].as_array().is_some_and(|v| v.len() == 5));
}

#[test]
fn bad_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubewalk.toml");
    // The error of loading the topics of a config file of `text`.
    let error_of = |text: &str| {
        std::fs::write(&path, text).unwrap();
        TopicConfig::load(&fixture(), Some(&path)).unwrap_err().to_string()
    };
    let err = error_of("[[topic]]\nid = \"x\"\nkind = \"implementers\"\ninterfase = \"a.B\"\n");
    assert!(err.contains("kubewalk.toml:4:"), "{err}");
    let err = error_of("[[topic]]\nid = \"x\"\nkind = \"nonsense\"\n");
    assert!(err.contains("unknown kind \"nonsense\""), "{err}");
    // A topic's page may not take the name of one of the site's own.
    let err = error_of("[[topic]]\nid = \"contents\"\nkind = \"implementers\"\ninterface = \"a.B\"\n");
    assert!(
        err.contains("kubewalk.toml:1: topic id \"contents\": the site names a page or folder of its own so"),
        "{err}"
    );
    // A reference to another topic is checked once every topic is known.
    let err = error_of("[[topic]]\nid = \"x\"\nkind = \"registry\"\n\nqueues = \"metrics\"\n");
    assert!(
        err.contains("kubewalk.toml:5: topic \"x\": `queues` names \"metrics\", which is not a workqueue topic"),
        "{err}"
    );
}

#[test]
fn controllers_list_the_queues_their_start_functions_build() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let queues: Vec<(&str, Vec<(Value, &str)>)> = topics["controllers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let queues = c["queues"].as_array().unwrap();
            let queues = queues
                .iter()
                .map(|q| (q["queue_name"].clone(), q["file"].as_str().unwrap()))
                .collect();
            (c["name"].as_str().unwrap(), queues)
        })
        .collect();
    let widget = "pkg/controller/widget/widget_controller.go";
    let cleanup = "pkg/controller/cleanup/cleanup_controller.go";
    assert_eq!(
        queues,
        [
            // Through a helper of the controller manager's package: two calls away.
            (
                "cleanup",
                vec![(Value::Null, cleanup), (Value::from("cleanup-grace"), cleanup)]
            ),
            ("heartbeat", vec![]),
            (
                "node-range",
                vec![(
                    Value::from("node-range"),
                    "pkg/controller/nodeipam/node_range_controller.go"
                )]
            ),
            ("widget", vec![(Value::from("widget"), widget)]),
        ]
    );
}

#[test]
fn a_command_tree_built_by_several_binaries_belongs_to_the_one_named_like_its_root() {
    // As in Kubernetes: cmd/clicheck (and the doc generators) build kubectl's whole command tree to check it.
    let dir = tempfile::tempdir().unwrap();
    write_ctl_tree(
        dir.path(),
        "package ctl\n\nimport \"github.com/spf13/cobra\"\n\n\
         func NewCtlCommand() *cobra.Command {\n\
         \tcmd := &cobra.Command{Use: \"ctl\", Short: \"The root\"}\n\
         \tcmd.AddCommand(&cobra.Command{Use: \"get NAME\", Short: \"Get one\"})\n\
         \treturn cmd\n}\n",
    );
    let config = TopicConfig::load(dir.path(), None).unwrap();
    let topics = topics_of(dir.path(), &config);
    let commands = topics["cobra_commands"].as_array().unwrap();
    let binaries: Vec<(&str, &str)> = commands
        .iter()
        .map(|c| (c["use"].as_str().unwrap(), c["binary"].as_str().unwrap()))
        .collect();
    assert_eq!(binaries, [("ctl", "cmd/ctl"), ("get", "cmd/ctl"), ("help", "cmd/ctl")]);
    // The checker points to the tree it builds, and is not described by its root's text.
    let checker = topics["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dir"] == "cmd/checker")
        .unwrap();
    assert_eq!(checker["root_command"], commands[0]["id"]);
    assert_eq!(checker["summary"], Value::Null);
    assert_eq!(checker["summary_source"], "none");
}

#[test]
fn binaries_run_on_several_threads_report_what_they_report_on_one() {
    // Binaries that build their own trees, register the same global flag, and build a tree another binary owns
    // (`cmd/a-checker` runs first and is emitted last): on any number of threads, the same report.
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| write_file(dir.path(), path, text);
    write("go.mod", "module k8s.io/kubernetes\n\ngo 1.20\n");
    write("cmd/a-checker/main.go", CTL_MAIN);
    write("cmd/ctl/main.go", CTL_MAIN);
    write(
        "pkg/ctl/ctl.go",
        "package ctl\n\nimport (\n\t\"github.com/spf13/cobra\"\n\t\"k8s.io/kubernetes/pkg/common\"\n)\n\n\
         func NewCtlCommand() *cobra.Command {\n\
         \tcmd := &cobra.Command{Use: \"ctl\", Short: \"The root\"}\n\
         \tcmd.AddCommand(&cobra.Command{Use: \"get NAME\", Short: \"Get one\"})\n\
         \tcommon.AddFlags(cmd)\n\
         \treturn cmd\n}\n",
    );
    write(
        "pkg/common/flags.go",
        "package common\n\nimport \"github.com/spf13/cobra\"\n\n\
         func AddFlags(cmd *cobra.Command) {\n\
         \tcmd.PersistentFlags().String(\"server\", \"localhost\", \"The server\")\n}\n",
    );
    for i in 1..=5 {
        write(
            &format!("cmd/tool{i}/main.go"),
            &format!(
                "package main\n\nimport (\n\t\"github.com/spf13/cobra\"\n\t\"k8s.io/kubernetes/pkg/common\"\n)\n\n\
                 func main() {{\n\
                 \tcmd := &cobra.Command{{Use: \"tool{i}\", Short: \"Tool {i}\"}}\n\
                 \tfor j := 0; j < {i}; j++ {{\n\
                 \t\tcmd.AddCommand(&cobra.Command{{Use: \"sub\", Short: \"A sub\"}})\n\
                 \t}}\n\
                 \tcmd.Flags().Int(\"level{i}\", {i}, \"Level\")\n\
                 \tcommon.AddFlags(cmd)\n\
                 \tcmd.Execute()\n}}\n"
            ),
        );
    }
    let config = TopicConfig::load(dir.path(), None).unwrap();
    let one = topics_on(dir.path(), &config, Some(1));
    let commands = one["cobra_commands"].as_array().unwrap();
    let checker = one["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dir"] == "cmd/a-checker")
        .unwrap();
    assert_eq!(checker["root_command"], commands[0]["id"]);
    assert_eq!(commands[0]["binary"], "cmd/ctl");
    let server = one["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "server")
        .unwrap();
    assert_eq!(server["binaries"].as_array().unwrap().len(), 7);
    for jobs in [2, 3, 8] {
        assert_eq!(topics_on(dir.path(), &config, Some(jobs)), one, "{jobs} threads");
    }
}

/// The steps of an outline as `(line, kind, text)`, depth-first, nested steps indented by two spaces.
fn steps_of(outline: &Value) -> Vec<(u64, String, String)> {
    fn walk(steps: &Value, depth: usize, out: &mut Vec<(u64, String, String)>) {
        for s in steps.as_array().unwrap() {
            out.push((
                s["line"].as_u64().unwrap(),
                format!("{}{}", "  ".repeat(depth), s["kind"].as_str().unwrap()),
                s["text"].as_str().unwrap().to_string(),
            ));
            walk(&s["steps"], depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&outline["steps"], 0, &mut out);
    out
}

#[test]
fn outlines_walk_through_the_named_functions_step_by_step() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let outlines = topics["workqueue_outlines"].as_array().unwrap();
    let names: Vec<&str> = outlines.iter().map(|o| o["function"].as_str().unwrap()).collect();
    // The first alternative that exists (`Typed`, not `Type`); a name the tree lacks is left out.
    assert_eq!(
        names,
        [
            "(*Typed).Add",
            "(*Typed).Get",
            "(*Typed).Done",
            "(*delayingType).AddAfter",
            "(*rateLimitingType).AddRateLimited",
            "(*rateLimitingType).Forget",
            "DefaultControllerRateLimiter"
        ]
    );
    let s = |line: u64, kind: &str, text: &str| (line, kind.to_string(), text.to_string());
    assert_eq!(
        steps_of(&outlines[0]),
        [
            s(123, "call", "q.cond.L.Lock()"),
            s(124, "defer", "q.cond.L.Unlock()"),
            s(125, "guard", "q.shuttingDown"),
            s(126, "  return", "return"),
            s(128, "guard", "q.dirty.has(item)"),
            s(129, "  return", "return"),
            s(131, "call", "q.metrics.add(item)"),
            s(132, "call", "q.dirty.insert(item)"),
            s(133, "guard", "q.processing.has(item)"),
            s(134, "  return", "return"),
            s(136, "assign", "q.queue = append(q.queue, item)"),
            s(137, "call", "q.cond.Signal()"),
        ]
    );
    // A switch without a tag, its cases; a select and its send and receive cases; a call into another outline.
    let done = steps_of(&outlines[2]);
    assert_eq!(
        done[4..7],
        [
            s(176, "switch", ""),
            s(177, "  case", "q.dirty.has(item)"),
            s(178, "    assign", "q.queue = append(q.queue, item)")
        ]
    );
    let after = &outlines[3];
    assert_eq!(
        steps_of(after)[5..],
        [
            s(115, "select", "select"),
            s(116, "  case", "<-d.stopCh"),
            s(117, "  case", "d.parkCh <- &parkedItem[T]{…}")
        ]
    );
    assert_eq!(
        after["steps"][1]["steps"][0]["calls"],
        Value::Null,
        "d.Add is the delaying queue's, not outlined"
    );
    // Constants named by a step, with their values.
    let limiter = &outlines[6]["steps"][0];
    assert_eq!(limiter["kind"], "return");
    assert_eq!(
        limiter["constants"],
        serde_json::json!([
            {"name": "defaultBucketQPS", "package": "k8s.io/client-go/util/workqueue", "value": "10"},
            {"name": "defaultBucketBurst", "package": "k8s.io/client-go/util/workqueue", "value": "100"}
        ])
    );
    // emptyDir's SetUpAt switches on the medium; its cases name constants of another package.
    let setup = &topics["volume_plugins_outlines"][0];
    assert_eq!(setup["function"], "(*emptyDir).SetUpAt");
    let cases: Vec<&Value> = setup["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "switch")
        .flat_map(|s| s["steps"].as_array().unwrap())
        .collect();
    assert!(
        cases.iter().any(|c| c["constants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["value"] == "\"Memory\"")),
        "{cases:?}"
    );
}

#[test]
fn the_default_rate_limiter_is_evaluated_as_a_tree() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let tree = &topics["workqueue"]["default_rate_limiter"]["tree"];
    assert_eq!(tree["name"], "NewMaxOfRateLimiter");
    let parts: Vec<&str> = tree["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(parts, ["NewItemExponentialFailureRateLimiter", "BucketRateLimiter"]);
    // Arguments by parameter name (a field's name in a literal).
    let args: Vec<(&str, &str)> = tree["parts"][0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        args,
        [("baseDelay", "defaultBaseDelay"), ("maxDelay", "defaultMaxDelay")]
    );
    assert_eq!(tree["parts"][1]["args"][0]["name"], "Limiter");
}

#[test]
fn an_outline_outside_a_package_topic_needs_its_import_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubewalk.toml");
    std::fs::write(
        &path,
        "[[topic]]\nid = \"x\"\nkind = \"calls\"\nfunctions = [\"a.B\"]\noutline = [\"Run\"]\n",
    )
    .unwrap();
    let err = TopicConfig::load(&fixture(), Some(&path)).unwrap_err().to_string();
    assert!(
        err.contains("kubewalk.toml:5: topic \"x\": outline \"Run\" needs its import path"),
        "{err}"
    );
}

#[test]
fn lists_of_checks_follow_appends_and_the_platform_tests_around_them() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let assembled = topics["preflight_checks_assembled"].as_array().unwrap();
    let init = assembled.iter().find(|a| a["function"] == "InitNodeChecks").unwrap();
    // Each element once in `elements`; every place in `entries`, the append under `runtime.GOOS` too, and not the
    // spread of another list (`platformChecks()...`), whose elements are listed where it is built.
    let short = |v: &Value| v.as_str().unwrap().rsplit('.').next().unwrap().to_string();
    let elements: Vec<String> = init["elements"].as_array().unwrap().iter().map(short).collect();
    assert_eq!(
        elements,
        [
            "IsPrivilegedUserCheck",
            "SystemVerificationCheck",
            "PortOpenCheck",
            "DirAvailableCheck",
            "FileExistingCheck"
        ]
    );
    let entries = init["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 7);
    let last = &entries[6];
    assert_eq!(short(&last["element"]), "FileExistingCheck");
    assert_eq!(last["conditions"], serde_json::json!(["runtime.GOOS == \"linux\""]));
    assert_eq!(last["platforms"], serde_json::json!(["linux"]));
    assert_eq!(entries[0]["platforms"], Value::Null);
    // Where each check's methods are declared, per platform.
    let checks = topics["preflight_checks"].as_array().unwrap();
    let privileged = checks
        .iter()
        .find(|c| short(&c["type"]) == "IsPrivilegedUserCheck")
        .unwrap();
    let places: Vec<(String, Value)> = privileged["implemented_in"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string(),
                m["platforms"].clone(),
            )
        })
        .collect();
    assert!(
        places.contains(&("checks_unix.go".to_string(), serde_json::json!(["darwin", "linux"]))),
        "{places:?}"
    );
    assert!(
        places.contains(&("checks_windows.go".to_string(), serde_json::json!(["windows"]))),
        "{places:?}"
    );
}

#[test]
fn plugins_registered_by_value_and_test_fakes() {
    let config = TopicConfig::load(&fixture(), None).unwrap();
    let topics = topics_with(&config);
    let plugins = topics["volume_plugins"].as_array().unwrap();
    let by_type = |short: &str| {
        plugins
            .iter()
            .find(|p| p["type"].as_str().unwrap().ends_with(short))
            .unwrap()
    };
    // `projected.ProbeVolumePlugins` as a value in a map of probe functions registers it too.
    let projected = by_type("projected.projectedPlugin");
    assert_eq!(projected["registered"][0]["binary"], "cmd/kubelet");
    assert_eq!(projected["registered"][0]["file"], "cmd/kubelet/app/plugins.go");
    assert_eq!(projected["test_fake"], false);
    // A plugin of a `testing` package is a test fake, which no binary registers.
    let fake = by_type("testing.FakeVolumePlugin");
    assert_eq!(fake["test_fake"], true);
    assert!(fake["registered"].as_array().is_none_or(|r| r.is_empty()), "{fake}");
}

#[test]
fn controllers_in_descriptor_form() {
    // From Kubernetes 1.28: NewControllerDescriptors registers descriptors built by one function each.
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("go.mod", "module k8s.io/kubernetes\n\ngo 1.22\n");
    write(
        "cmd/kube-controller-manager/names/names.go",
        "package names\n\nconst (\n\tGadgetController = \"gadget-controller\"\n\tSproketController = \"sproket-controller\"\n)\n",
    );
    write(
        "cmd/kube-controller-manager/app/controllers.go",
        "package app\n\nimport \"k8s.io/kubernetes/cmd/kube-controller-manager/names\"\n\n\
         type ControllerDescriptor struct {\n\tname string\n\tinitFunc func() error\n\tisDisabledByDefault bool\n}\n\n\
         func NewControllerDescriptors() map[string]*ControllerDescriptor {\n\
         \tcontrollers := map[string]*ControllerDescriptor{}\n\
         \tregister := func(d *ControllerDescriptor) { controllers[d.name] = d }\n\
         \tregister(newGadgetControllerDescriptor())\n\
         \tregister(newSproketControllerDescriptor())\n\
         \treturn controllers\n}\n\n\
         func newGadgetControllerDescriptor() *ControllerDescriptor {\n\
         \treturn &ControllerDescriptor{name: names.GadgetController, initFunc: startGadgetController}\n}\n\n\
         func newSproketControllerDescriptor() *ControllerDescriptor {\n\
         \treturn &ControllerDescriptor{\n\t\tname:                names.SproketController,\n\
         \t\tinitFunc:            startSproketController,\n\t\tisDisabledByDefault: true,\n\t}\n}\n\n\
         func startGadgetController() error { return nil }\n\nfunc startSproketController() error { return nil }\n",
    );
    let config = TopicConfig::load(dir.path(), None).unwrap();
    let topics = topics_of(dir.path(), &config);
    let entries: Vec<(&str, &str, bool, u64)> = topics["controllers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["value"].as_str().unwrap(),
                e["default"].as_bool().unwrap(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("gadget-controller", "startGadgetController", true, 14),
            ("sproket-controller", "startSproketController", false, 15)
        ]
    );
}
