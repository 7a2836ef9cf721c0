//! Loading and validation: fixtures per error and warning class, Dutch export variants,
//! xlsx/Parquet equivalence, and the synth → write → read round trip.

use maatpact_core::{Config, LoadOptions, UnknownTags, Validated, validate};
use maatpact_pipeline::{LoadSettings, load, read_delimited};
use maatpact_tests::{check_expect, fixture, load_default, render, repo_root};

/// Every file in tests/data/validate has an expect file with every finding, exactly.
#[test]
fn each_error_and_warning_class_has_its_exact_message() {
    let dir = fixture("validate");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "fixtures missing: {}", inputs.len());
    for input in inputs {
        let expected = input.with_extension(format!(
            "{}.expected",
            input.extension().unwrap().to_string_lossy()
        ));
        check_expect(&expected, &render(&load_default(&input)));
    }
}

#[test]
fn unknown_tags_can_be_kept_as_new_tags() {
    let settings = LoadSettings {
        options: LoadOptions {
            unknown_tags: maatpact_core::UnknownTags::Keep,
            ..LoadOptions::default()
        },
        ..LoadSettings::default()
    };
    let validated = load(&fixture("validate/unknown_tag.csv"), &settings).unwrap();
    assert!(!validated.has_errors(), "{}", render(&validated));
    let tags: Vec<&str> = validated.cases[0]
        .tags
        .iter()
        .map(|&t| validated.vocabulary.id(t))
        .collect();
    assert_eq!(tags, ["wonen", "schuldne", "klimaat"]);
    assert_eq!(
        validated.vocabulary.len(),
        Config::default().vocabulary.len() + 2
    );
}

#[test]
fn the_built_in_config_is_written_out_in_data_sample() {
    let on_disk = std::fs::read_to_string(repo_root().join("data-sample/maatpact.toml")).unwrap();
    assert_eq!(
        on_disk,
        maatpact_core::DEFAULT_CONFIG_TOML,
        "data-sample/maatpact.toml is stale: copy crates/maatpact-core/src/default_config.toml"
    );
}

fn sample_path() -> std::path::PathBuf {
    repo_root().join("data-sample/cases.csv")
}

fn sample_cases() -> Vec<maatpact_core::Case> {
    let validated = load_default(&sample_path());
    assert!(!validated.has_errors(), "{}", render(&validated));
    assert!(validated.cases.len() >= 100);
    validated.cases
}

fn load_bytes(name: &str, bytes: &[u8]) -> Validated {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    load_default(&path)
}

/// The plain sample re-delimited with another character.
fn redelimit(delimiter: u8) -> Vec<u8> {
    let mut reader = csv::Reader::from_path(sample_path()).unwrap();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    writer.write_record(reader.headers().unwrap()).unwrap();
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
    }
    writer.into_inner().unwrap()
}

#[test]
fn dutch_export_variants_load_to_the_same_records() {
    let plain = sample_cases();
    let dutch_path = repo_root().join("data-sample/cases-excel-nl.csv");
    let dutch = std::fs::read(&dutch_path).unwrap();
    let dutch_text = String::from_utf8(dutch.clone()).unwrap();
    let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&dutch_text);
    assert!(!unmappable);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in dutch_text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&dutch);
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("semicolon_decimal_comma_euro.csv", dutch.clone()),
        ("utf8_bom.csv", with_bom),
        ("windows_1252.csv", windows_1252.into_owned()),
        ("utf16_excel_unicode_text.txt", utf16),
        ("tab_separated.tsv", redelimit(b'\t')),
        ("pipe_separated.csv", redelimit(b'|')),
    ];
    for (name, bytes) in variants {
        let validated = load_bytes(name, &bytes);
        assert!(!validated.has_errors(), "{name}:\n{}", render(&validated));
        assert_eq!(validated.cases, plain, "{name} loads to other records");
    }
}

#[test]
fn decimal_flag_overrides_detection() {
    let text = "case_id\tproblems\tcost_threatened\tcost_tailored\nA1\twonen\t1.500\t1000\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ambiguous.tsv");
    std::fs::write(&path, text).unwrap();
    for (style, expected) in [
        (maatpact_core::DecimalStyle::Comma, 150_000),
        (maatpact_core::DecimalStyle::Point, 150),
    ] {
        let settings = LoadSettings {
            options: LoadOptions {
                decimal: Some(style),
                ..LoadOptions::default()
            },
            ..LoadSettings::default()
        };
        let validated = load(&path, &settings).unwrap();
        assert!(!validated.has_errors(), "{}", render(&validated));
        assert_eq!(
            validated.cases[0].costs.threatened,
            Some(maatpact_core::Cents(expected))
        );
    }
}

#[test]
fn xlsx_and_parquet_versions_load_to_the_same_records() {
    let plain = sample_cases();
    let dir = tempfile::tempdir().unwrap();

    // xlsx as a user would have it: numbers as numbers, text as text.
    let xlsx_path = dir.path().join("cases.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let mut reader = csv::Reader::from_path(sample_path()).unwrap();
    for (col, header) in reader.headers().unwrap().iter().enumerate() {
        sheet.write_string(0, col as u16, header).unwrap();
    }
    for (row, record) in reader.records().enumerate() {
        for (col, cell) in record.unwrap().iter().enumerate() {
            let (r, c) = (row as u32 + 1, col as u16);
            match cell.parse::<f64>() {
                Ok(number) if col > 0 => sheet.write_number(r, c, number).map(|_| ()),
                _ if cell.is_empty() => Ok(()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    workbook.save(&xlsx_path).unwrap();
    let from_xlsx = load_default(&xlsx_path);
    assert!(!from_xlsx.has_errors(), "{}", render(&from_xlsx));
    assert_eq!(from_xlsx.cases, plain);

    let config = Config::default();
    let bottleneck_ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    let parquet =
        maatpact_pipeline::cases_to_parquet(&plain, &config.vocabulary, &bottleneck_ids).unwrap();
    let from_parquet = load_bytes("cases.parquet", &parquet);
    assert!(!from_parquet.has_errors(), "{}", render(&from_parquet));
    assert_eq!(from_parquet.cases, plain);
}

#[test]
fn the_samples_are_what_synth_writes() {
    let config = Config::default();
    let bottleneck_ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    let synthetic = maatpact_core::synthesize(
        &maatpact_core::SynthParams {
            preset: maatpact_core::Preset::Maatpact,
            n_cases: None,
            seed: 42,
            planted: maatpact_core::PlantedParams::default(),
        },
        &config,
    )
    .unwrap();
    for (file, style) in [
        ("cases.csv", maatpact_pipeline::CaseFileStyle::Plain),
        (
            "cases-excel-nl.csv",
            maatpact_pipeline::CaseFileStyle::DutchExcel,
        ),
    ] {
        let expected = maatpact_pipeline::cases_to_csv(
            &synthetic.cases,
            &synthetic.vocabulary,
            &bottleneck_ids,
            style,
        )
        .unwrap();
        let on_disk = std::fs::read(repo_root().join("data-sample").join(file)).unwrap();
        assert!(
            on_disk == expected,
            "data-sample/{file} is stale: regenerate with `maatpact synth --preset maatpact --seed 42 --out data-sample/{file}`"
        );
    }
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// synth → write → read gives back exactly the records, in both CSV styles.
        #[test]
        fn synth_write_read_round_trips(
            seed in any::<u64>(),
            n_cases in 1usize..150,
            preset in prop::sample::select(vec![
                maatpact_core::Preset::Maatpact,
                maatpact_core::Preset::Maastricht,
                maatpact_core::Preset::Noise,
            ]),
            dutch in any::<bool>(),
        ) {
            let config = Config::default();
            let bottleneck_ids: Vec<String> =
                config.catalogue.bottlenecks().iter().map(|b| b.id.clone()).collect();
            let synthetic = maatpact_core::synthesize(
                &maatpact_core::SynthParams {
                    preset,
                    n_cases: Some(n_cases),
                    seed,
                    planted: maatpact_core::PlantedParams::default(),
                },
                &config,
            ).unwrap();
            let style = if dutch {
                maatpact_pipeline::CaseFileStyle::DutchExcel
            } else {
                maatpact_pipeline::CaseFileStyle::Plain
            };
            let bytes = maatpact_pipeline::cases_to_csv(
                &synthetic.cases, &synthetic.vocabulary, &bottleneck_ids, style,
            ).unwrap();
            let table = maatpact_pipeline::read_delimited("synth.csv", &bytes).unwrap();
            let validated = maatpact_core::validate(&table, &config, &LoadOptions::default());
            prop_assert!(!validated.has_errors(), "{}", render(&validated));
            prop_assert_eq!(&validated.cases, &synthetic.cases);
        }
    }
}

/// Validation checks rows in parallel, chunk by chunk: the result must be what a pass row by
/// row gives, on any number of threads. Duplicates across chunks name the first row, new
/// tags are numbered in file order, and findings come in row order.
#[test]
fn parallel_validation_gives_the_row_by_row_result_on_any_number_of_threads() {
    let mut text = String::from("case_id,problems,cost_threatened,cost_tailored,notes\n");
    for i in 0..12_000 {
        let id = match i {
            9_000 => "C00005".to_owned(),
            11_500 => String::new(),
            _ => format!("C{i:05}"),
        };
        let problems = match i {
            // New tags: `nieuw_b` first appears after `nieuw_a` is last seen, in other chunks.
            7_000 => "wonen|nieuw_b",
            100 | 6_000 => "ggz|nieuw_a",
            _ if i % 7 == 0 => "schulden|wonen",
            _ => "ggz",
        };
        let notes = if i == 4_500 { "bsn 123456782" } else { "" };
        let threatened = if i == 3_000 { "veel" } else { "5000" };
        text.push_str(&format!("{id},{problems},{threatened},2000,{notes}\n"));
    }
    let table = read_delimited("big.csv", text.as_bytes()).unwrap();
    let validate_on = |threads: usize, unknown_tags: UnknownTags| {
        let options = LoadOptions {
            unknown_tags,
            ..LoadOptions::default()
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| validate(&table, &Config::default(), &options))
    };
    for unknown_tags in [UnknownTags::Error, UnknownTags::Keep] {
        let one = validate_on(1, unknown_tags);
        assert_eq!(one, validate_on(3, unknown_tags), "{unknown_tags:?}");
        let rows: Vec<usize> = one.issues.iter().filter_map(|i| i.row).collect();
        assert!(rows.is_sorted(), "findings out of row order");
        let duplicate = one
            .issues
            .iter()
            .find(|i| i.code == maatpact_core::IssueCode::DuplicateCaseId)
            .unwrap();
        assert_eq!(duplicate.row, Some(9_002));
        assert!(
            duplicate.message.ends_with("first seen in row 7"),
            "{duplicate}"
        );
        let codes: Vec<&str> = one.errors().map(|i| i.code.code()).collect();
        match unknown_tags {
            UnknownTags::Error => {
                assert_eq!(
                    codes,
                    [
                        "unknown_tag",
                        "bad_number",
                        "bsn",
                        "unknown_tag",
                        "unknown_tag",
                        "duplicate_case_id",
                        "empty_case_id"
                    ]
                );
            }
            UnknownTags::Keep => {
                assert_eq!(
                    codes,
                    ["bad_number", "bsn", "duplicate_case_id", "empty_case_id"]
                );
                let a = one.vocabulary.resolve("nieuw_a").unwrap();
                let b = one.vocabulary.resolve("nieuw_b").unwrap();
                assert!(a < b, "new tags are numbered in file order");
                assert_eq!(one.cases.len(), 12_000 - 4);
            }
        }
    }
}
