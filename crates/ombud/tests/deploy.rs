//! What an operator installs: the systemd unit in `deploy/`, checked by
//! systemd itself against the binary this build made.

mod common;

use std::process::Command;

/// The unit as an operator would install it, with `ExecStart` naming the
/// binary the tests built (systemd checks that it exists and runs).
fn installed_unit(dir: &std::path::Path) -> std::path::PathBuf {
    let unit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/ombud.service"))
        .expect("deploy/ombud.service");
    assert!(unit.contains("ExecStart=/usr/local/bin/ombud serve"), "the unit runs the server");
    let path = dir.join("ombud.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/ombud", common::BIN)).expect("write unit");
    path
}

#[test]
fn the_systemd_unit_verifies_cleanly_and_is_hardened() {
    let dir = tempfile::tempdir().expect("dir");
    let unit = installed_unit(dir.path());
    let verify = Command::new("systemd-analyze").arg("verify").arg(&unit).output().expect("systemd-analyze");
    let said = String::from_utf8_lossy(&verify.stderr);
    // An unknown or misspelt directive is only a warning to systemd: none is allowed here.
    assert!(verify.status.success() && said.trim().is_empty(), "systemd-analyze verify: {said}");

    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .expect("systemd-analyze security");
    let report = format!("{}{}", String::from_utf8_lossy(&security.stdout), String::from_utf8_lossy(&security.stderr));
    let exposure: f64 = report
        .split("Overall exposure level for ombud.service:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in: {report}"));
    println!("systemd exposure level of deploy/ombud.service: {exposure}");
    assert!(exposure <= 2.0, "the unit is hardened (exposure {exposure}, 0 best, 10 worst): {report}");

    let text = std::fs::read_to_string(&unit).expect("unit");
    for needed in ["DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=ombud", "KillSignal=SIGTERM"] {
        assert!(text.contains(needed), "{needed} in the unit");
    }
}
