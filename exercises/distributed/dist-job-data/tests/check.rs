use dist_job_data::{Job, parse};

#[test]
fn good_payloads_parse() {
    assert_eq!(parse("square 7"), Ok(Job::Square(7)));
    assert_eq!(parse("sleep 2"), Ok(Job::Sleep(2)));
}

#[test]
fn bad_payloads_are_refused_with_a_reason() {
    for payload in ["square seven", "rm -rf /", "", "square", "square 99999999999999999999"] {
        let result = std::panic::catch_unwind(|| parse(payload));
        let Ok(result) = result else {
            panic!("parse({payload:?}) panicked: a worker must survive garbage in the queue")
        };
        assert!(result.is_err(), "parse({payload:?}) should be an error, got {result:?}");
    }
}
