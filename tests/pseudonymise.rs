//! `pseudonymise` then `validate`: the copy the tool advises users to make must pass, for
//! every sample and synth preset and any key. Pseudonymised ids used to hold digit runs that
//! the BSN guard took for BSNs, so about half of all keys gave a copy that was refused.

use maatpact_core::{Config, LoadOptions, Preset, RawTable, SynthParams, synthesize, validate};
use maatpact_pipeline::{BSN_REDACTED, CaseFileStyle, cases_to_csv, pseudonymise, read_delimited};
use maatpact_tests::{render, repo_root};
use rand::{Rng, SeedableRng};

/// Every input a user starts from: the two samples, and each synth preset in both file
/// styles, 2,000 cases each so that rare ids would show up.
fn inputs() -> Vec<(String, RawTable)> {
    let config = Config::default();
    let mut inputs = Vec::new();
    for sample in ["cases.csv", "cases-excel-nl.csv"] {
        let bytes = std::fs::read(repo_root().join("data-sample").join(sample)).unwrap();
        inputs.push((sample.to_owned(), read_delimited(sample, &bytes).unwrap()));
    }
    let bottleneck_ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    for preset in [Preset::Maatpact, Preset::Maastricht, Preset::Noise] {
        let params = SynthParams {
            n_cases: Some(2_000),
            ..SynthParams::new(preset, 7)
        };
        let synthetic = synthesize(&params, &config).unwrap();
        for style in [CaseFileStyle::Plain, CaseFileStyle::DutchExcel] {
            let name = format!("{}-{style:?}.csv", preset.id());
            let bytes = cases_to_csv(
                &synthetic.cases,
                &synthetic.vocabulary,
                &bottleneck_ids,
                style,
            )
            .unwrap();
            inputs.push((name.clone(), read_delimited(&name, &bytes).unwrap()));
        }
    }
    inputs
}

#[test]
fn pseudonymised_copies_pass_validation_for_every_input_and_20_random_keys() {
    let config = Config::default();
    let options = LoadOptions::default();
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2026);
    for (name, table) in inputs() {
        let original = validate(&table, &config, &options);
        assert!(!original.has_errors(), "{name}: {}", render(&original));
        for _ in 0..20 {
            let key: Vec<u8> = (0..32).map(|_| rng.r#gen()).collect();
            let copy = pseudonymise(&table, &key).unwrap();
            let reread = read_delimited(&name, &copy.csv).unwrap();
            let validated = validate(&reread, &config, &options);
            assert!(!validated.has_errors(), "{name}: {}", render(&validated));
            assert_eq!(validated.cases.len(), original.cases.len(), "{name}");
            assert_eq!(copy.redacted_cells, 0, "{name}");
            // Nothing but the case id changed.
            for (a, b) in original.cases.iter().zip(&validated.cases) {
                assert_ne!(a.case_id, b.case_id);
                assert!(b.case_id.starts_with("P-"), "{}", b.case_id);
                assert_eq!((&a.tags, &a.costs), (&b.tags, &b.costs), "{name}");
            }
        }
    }
}

#[test]
fn pseudonymise_blanks_bsns_keeps_short_rows_short_and_refuses_short_keys() {
    let text = "clientnummer;naam;problemen;notitie;dreigend\n\
                1001;Jan;wonen;bsn 123.456.782;5000\n\
                1002;Piet;ggz;geen;4000\n\
                1003;Kees;ggz\n";
    let table = read_delimited("raw.csv", text.as_bytes()).unwrap();
    let copy = pseudonymise(&table, b"a-secret-key-of-enough-bytes").unwrap();
    let written = String::from_utf8(copy.csv).unwrap();
    assert_eq!(copy.dropped_columns, ["naam"]);
    assert_eq!(copy.redacted_cells, 1);
    assert!(
        written.contains(BSN_REDACTED) && !written.contains("782"),
        "{written}"
    );
    let validated = validate(
        &read_delimited("copy.csv", written.as_bytes()).unwrap(),
        &Config::default(),
        &LoadOptions::default(),
    );
    let codes: Vec<&str> = validated.errors().map(|i| i.code.code()).collect();
    assert_eq!(codes, ["short_row"], "{}", render(&validated));
    assert!(pseudonymise(&table, b"too short").is_err());
}
