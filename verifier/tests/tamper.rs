//! The tamper corpus (issue 7): a valid election built in-process with the core, accepted
//! untouched, and distinct alterations of it — each rejected by the check it targets, with its
//! own rule code and message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urne::verify::testkit::{Fixture, Scenario, Spec};
use urne::verify::{CheckId, Lang, Options, Report, Status, Verdict, verify};

fn build() -> (Fixture, Scenario) {
    let mut f = Fixture::new(Spec::default());
    let s = f.scenario();
    (f, s)
}

fn run(f: &Fixture, s: &Scenario) -> Report {
    let events = f.chain(&s.payloads);
    let archive = f.archive(&events, true);
    verify(archive.as_slice(), &Options::default(), &mut |_| {}).report
}

#[test]
fn the_untouched_archive_is_valid() {
    let (f, s) = build();
    let r = run(&f, &s);
    println!("{}", r.render(Lang::Fr, "fixture"));
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.failure);
    assert_eq!(r.check(CheckId::Ballots).unwrap().count, Some(6));
    assert_eq!(r.check(CheckId::Ballots).unwrap().status, Status::Passed);
}
