//! The HTML report in a real browser (headless Chromium): screenshots at a
//! desktop (1280 px) and a phone (390 px, in a frame) width that are not blank, no horizontal scrolling of
//! the page at either width, every chart titled and named for screen
//! readers, and two deployments that keep the same number of instances
//! (two dynos, two VMs) both visible on the instances chart, in its SVG and
//! in its pixels. Without Chromium the test is skipped, except under
//! CI=true, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{Workspace, missing_input};

/// Two hours of requests every 10 s (720 of 50 ms), on Lambda and on two
/// dynos and two VMs that never scale: the dyno and VM series are both 2
/// all along.
const SCENARIO: &str = r#"name = "browser check"
[workload]
trace = "steady.csv"
horizon = "2h"

[[deployment]]
name = "Lambda 128 MB"
platform = "aws-lambda-2016"
memory_mb = 128

[[deployment]]
name = "Heroku 2 dynos"
platform = "heroku-2016"
dynos = 2

[[deployment]]
name = "EC2 2 VMs"
platform = "ec2-2016"
instance_type = "t2.small"
instances = 2
"#;

const CHARTS: [&str; 5] = [
    "cost-over-time",
    "instances-over-time",
    "requests-per-minute",
    "latency-cdf",
    "cost-by-line-item",
];

/// Heroku's and EC2's colours (the second and third series).
const ORANGE: (u8, u8, u8) = (0xFF, 0x7F, 0x0E);
const GREEN: (u8, u8, u8) = (0x2C, 0xA0, 0x2C);

fn chromium() -> Option<&'static str> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|path| Path::new(path).exists())
}

fn headless(browser: &str, profile: &Path, width: u32, extra: &[&str], page: &Path) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={width},2400"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium starts")
}

fn write_report(workspace: &Workspace) -> PathBuf {
    let rows: String = (0..720).map(|index| format!("{},50\n", index * 10)).collect();
    workspace.write("steady.csv", &format!("time,duration_ms\n{rows}"));
    workspace.write("scenario.toml", SCENARIO);
    let output = workspace.run(&["compare", "scenario.toml", "--format", "csv", "--out", "out"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    workspace.path("out/report.html")
}

/// A page showing the report in a frame `width` pixels wide (headless
/// Chromium's window is at least 500 wide, so a phone is emulated by the
/// frame), with a probe that writes the frame's widths into the DOM once it
/// has loaded, so that `--dump-dom` shows whether the report scrolls
/// sideways.
fn framed(report: &Path, workspace: &Workspace, width: u32) -> PathBuf {
    let html = std::fs::read_to_string(report).expect("the report");
    let inline = html.replace('&', "&amp;").replace('"', "&quot;");
    let probe = "<script>window.addEventListener('load',function(){\
        var d=document.getElementById('frame').contentDocument.documentElement;\
        var p=document.createElement('pre');p.id='probe';\
        p.textContent='scroll='+d.scrollWidth+' inner='+d.clientWidth+' ';\
        document.body.appendChild(p);});</script>";
    let page = format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"frame\" \
         style=\"width:{width}px;height:30000px;border:0;display:block\" srcdoc=\"{inline}\"></iframe>{probe}</body></html>"
    );
    workspace.write(&format!("out/framed-{width}.html"), &page)
}

/// (scrollWidth, innerWidth) from the probe's line in a dumped DOM.
fn widths(dom: &str) -> (u32, u32) {
    let line = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no probe in the DOM"));
    let number = |key: &str| -> u32 {
        line.split(key)
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {line}"))
    };
    (number("scroll="), number("inner="))
}

/// Pixels within 40 of `color` on every channel.
fn pixels_near(image: &image::RgbImage, color: (u8, u8, u8)) -> usize {
    let near = |a: u8, b: u8| a.abs_diff(b) <= 40;
    image
        .pixels()
        .filter(|pixel| near(pixel[0], color.0) && near(pixel[1], color.1) && near(pixel[2], color.2))
        .count()
}

fn inked_share(shot: &Path) -> f64 {
    let image = image::open(shot).expect("a screenshot").to_rgb8();
    let inked = image
        .pixels()
        .filter(|pixel| pixel.0.iter().any(|&channel| channel < 200))
        .count();
    inked as f64 / (image.width() * image.height()) as f64
}

#[test]
fn the_report_reads_in_a_browser_at_desktop_and_phone_width() {
    let Some(browser) = chromium() else {
        missing_input(
            "the_report_reads_in_a_browser_at_desktop_and_phone_width",
            "Chromium",
        );
        return;
    };
    let workspace = Workspace::new();
    let report = write_report(&workspace);
    let profile = workspace.path("profile");
    for width in [1280, 390] {
        let page = framed(&report, &workspace, width);
        let window = width.max(500);
        let dom = headless(browser, &profile, window, &["--dump-dom"], &page);
        assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
        let (scroll, inner) = widths(&String::from_utf8_lossy(&dom.stdout));
        assert_eq!(inner, width, "the window is {width} wide");
        assert!(
            scroll <= inner,
            "at {width} px the page scrolls sideways: {scroll} > {inner}"
        );

        let shot = workspace.path(&format!("shot-{width}.png"));
        let output = headless(
            browser,
            &profile,
            width,
            &[&format!("--screenshot={}", shot.display())],
            &report,
        );
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(!log.contains("CONSOLE"), "console messages: {log}");
        let share = inked_share(&shot);
        assert!(
            share > 0.02,
            "the {width} px screenshot is nearly blank ({share:.4} inked)"
        );
    }
}

#[test]
fn every_chart_is_titled_and_named_for_screen_readers() {
    let Some(browser) = chromium() else {
        missing_input("every_chart_is_titled_and_named_for_screen_readers", "Chromium");
        return;
    };
    let workspace = Workspace::new();
    let report = write_report(&workspace);
    let dom = headless(
        browser,
        &workspace.path("profile"),
        1280,
        &["--dump-dom"],
        &report,
    );
    let html = String::from_utf8_lossy(&dom.stdout);
    assert!(html.contains("<table id=\"summary\">"), "no summary table");
    assert!(html.contains("<ul id=\"conclusion\">"), "no conclusion");
    assert!(
        html.contains("<dl class=\"facts\" id=\"workload\">"),
        "no workload section"
    );
    for chart in CHARTS {
        let figure = html
            .split(&format!("<figure id=\"chart-{chart}\">"))
            .nth(1)
            .and_then(|rest| rest.split("</figure>").next())
            .unwrap_or_else(|| panic!("no figure for {chart}"));
        let label = figure
            .split("aria-label=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{chart} has no aria-label"));
        assert!(
            label.len() > 40,
            "{chart}'s alternative text is too short: {label}"
        );
        assert!(figure.contains("role=\"img\""), "{chart} is not named an image");
        let title = figure
            .split("<title>")
            .nth(1)
            .and_then(|rest| rest.split("</title>").next())
            .unwrap_or_default();
        assert!(!title.trim().is_empty(), "{chart} has no title");
    }
}

/// The stroke widths of the instances chart's polylines in `color`.
fn stroke_widths(svg: &str, color: (u8, u8, u8)) -> Vec<u32> {
    let stroke = format!("stroke=\"#{:02X}{:02X}{:02X}\"", color.0, color.1, color.2);
    svg.split("<polyline")
        .skip(1)
        .filter(|element| element.contains(&stroke))
        .filter_map(|element| {
            element
                .split("stroke-width=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn two_deployments_with_equal_instances_are_both_visible() {
    let Some(browser) = chromium() else {
        missing_input(
            "two_deployments_with_equal_instances_are_both_visible",
            "Chromium",
        );
        return;
    };
    let workspace = Workspace::new();
    write_report(&workspace);
    // In the SVG: Heroku (orange) is drawn wider than EC2 (green) on top of
    // it, so orange shows on both sides of the green line where both are 2.
    let svg_path = workspace.path("out/instances-over-time.svg");
    let svg = std::fs::read_to_string(&svg_path).expect("the instances chart");
    let (orange, green) = (stroke_widths(&svg, ORANGE), stroke_widths(&svg, GREEN));
    assert!(!orange.is_empty() && !green.is_empty(), "both series are drawn");
    assert!(
        orange.iter().min() > green.iter().max(),
        "{orange:?} vs {green:?}"
    );
    // In the pixels, as the browser draws the SVG: both colours show.
    let shot = workspace.path("instances.png");
    let output = headless(
        browser,
        &workspace.path("profile"),
        960,
        &[&format!("--screenshot={}", shot.display())],
        &svg_path,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let image = image::open(&shot).expect("a screenshot").to_rgb8();
    let (orange, green) = (pixels_near(&image, ORANGE), pixels_near(&image, GREEN));
    // A 2-hour line across about 800 px: the legend alone has some 100
    // pixels of each, so each series must show well beyond that.
    assert!(orange > 600, "Heroku's orange shows in {orange} pixels");
    assert!(green > 600, "EC2's green shows in {green} pixels");
}
