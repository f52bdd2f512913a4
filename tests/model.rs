//! Model-level snapshots on the fixture: method sets, interface sets, `implements`, constant values, and the
//! whole scan JSON.

use std::path::Path;

use kubewalk::model::{Model, TypeRef};
use kubewalk::scanner::{scan, Scan, ScanOptions};

fn fixture_scan(include_tests: bool) -> Scan {
    let mut options = ScanOptions::default();
    options.walk.include_tests = include_tests;
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s"),
        &options,
    )
    .unwrap()
}

fn snapshot(name: &str, value: String) {
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

fn type_ref(model: &Model, path: &str, name: &str) -> TypeRef {
    TypeRef {
        pkg: model
            .package_by_path(path)
            .unwrap_or_else(|| panic!("no package {path}")),
        name: name.to_string(),
    }
}

fn method_sets(model: &Model, path: &str, name: &str) -> String {
    let ty = type_ref(model, path, name);
    let info = &model.pkg(ty.pkg).named[name];
    let mut out = vec![format!("{name}:")];
    if let Some(sets) = &info.method_set {
        for m in &sets.pointer {
            let in_value = sets.value.iter().any(|v| v.name == m.name);
            out.push(format!(
                "  {}{} owner={} {} via={:?} platforms={:?}",
                m.name,
                m.signature,
                model.type_id(&m.owner),
                if in_value { "T and *T" } else { "*T only" },
                m.promoted_via,
                m.platforms.names()
            ));
        }
    }
    if let Some(set) = &info.interface {
        out.push(format!(
            "  interface complete={} constraint={} embeds={:?}",
            set.complete, set.constraint, set.embeds
        ));
        for m in &set.methods {
            out.push(format!(
                "  {}{} from {} canonical {}",
                m.name, m.signature, m.owner.name, m.canonical
            ));
        }
    }
    for imp in &info.implements {
        out.push(format!(
            "  implements {}{} on {:?}",
            model.type_id(&imp.interface),
            if imp.pointer_only { " (pointer)" } else { "" },
            imp.platforms.names()
        ));
    }
    out.join("\n")
}

fn implementers(model: &Model, path: &str, name: &str) -> String {
    let ty = type_ref(model, path, name);
    let info = &model.pkg(ty.pkg).named[name];
    let mut out = vec![format!("implementers of {name}:")];
    for imp in &info.implemented_by {
        out.push(format!(
            "  {}{} on {:?}",
            model.type_id(&imp.ty),
            if imp.pointer_only { " (pointer)" } else { "" },
            imp.platforms.names()
        ));
    }
    out.join("\n")
}

#[test]
fn workqueue_method_sets_and_generics() {
    let scan = fixture_scan(false);
    let m = &scan.model;
    let wq = "k8s.io/client-go/util/workqueue";
    let parts = [
        method_sets(m, wq, "Typed"),
        method_sets(m, wq, "Type"),
        method_sets(m, wq, "Interface"),
        method_sets(m, wq, "TypedRateLimitingInterface"),
        method_sets(m, wq, "RateLimitingInterface"),
        implementers(m, wq, "Interface"),
        implementers(m, wq, "TypedInterface"),
        implementers(m, wq, "DelayingInterface"),
        implementers(m, wq, "RateLimitingInterface"),
        implementers(m, wq, "RateLimiter"),
        implementers(m, wq, "TypedRateLimiter"),
    ];
    snapshot("workqueue", parts.join("\n\n"));
}

#[test]
fn volume_plugins_and_promotion_through_embedding() {
    let scan = fixture_scan(false);
    let m = &scan.model;
    let volume = "k8s.io/kubernetes/pkg/volume";
    let parts = [
        implementers(m, volume, "VolumePlugin"),
        implementers(m, volume, "AttachableVolumePlugin"),
        implementers(m, volume, "PersistentVolumePlugin"),
        implementers(m, volume, "Mounter"),
        method_sets(m, "k8s.io/kubernetes/pkg/volume/projected", "projectedPlugin"),
        method_sets(m, "k8s.io/kubernetes/pkg/volume/hostpath", "hostPathMounter"),
        method_sets(m, "k8s.io/kubernetes/pkg/volume/fakedisk", "fakeDiskMounter"),
    ];
    snapshot("volume", parts.join("\n\n"));
}

#[test]
fn preflight_checks_by_platform() {
    let scan = fixture_scan(false);
    let m = &scan.model;
    let preflight = "k8s.io/kubernetes/cmd/kubeadm/app/preflight";
    let parts = [
        implementers(m, preflight, "Checker"),
        method_sets(m, preflight, "IPVSProxierCheck"),
        method_sets(m, preflight, "IsPrivilegedUserCheck"),
    ];
    snapshot("preflight", parts.join("\n\n"));
}

#[test]
fn constant_values() {
    let scan = fixture_scan(false);
    let mut out = Vec::new();
    for (p, pkg) in scan.model.packages.iter().enumerate() {
        for (i, v) in pkg.values.iter().enumerate() {
            let value = scan
                .consts
                .get(kubewalk::model::PkgId(p), i)
                .map(|v| format!("{} {v:?}", v.kind()));
            out.push(format!(
                "{}:{} {:?} {} = {}",
                scan.model.file(v.file).path,
                v.decl.line,
                v.decl.kind,
                v.decl.name,
                value.unwrap_or_else(|| "(not static)".to_string())
            ));
        }
    }
    snapshot("constants", out.join("\n"));
}

#[test]
fn scan_json_of_the_fixture() {
    let scan = fixture_scan(true);
    let topics = kubewalk::topics::Topics::default();
    let doc = kubewalk::scan::document(&scan, &topics, &[]);
    snapshot("scan_json", serde_json::to_string_pretty(&doc).unwrap());
}
