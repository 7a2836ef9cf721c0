//! The config parser: a user's TOML on top of the built-in config, and on its own.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use maatpact_core::Config;

fn check(config: &Config) {
    // Every tag and bottleneck resolves to itself by its own id.
    for (index, tag) in config.vocabulary.tags().iter().enumerate() {
        let resolved = config
            .vocabulary
            .resolve(&tag.id)
            .expect("a tag resolves by its id");
        assert_eq!(resolved.index(), index, "{}", tag.id);
    }
    for bottleneck in config.catalogue.bottlenecks() {
        assert!(
            config.catalogue.resolve(&bottleneck.id).is_ok(),
            "{}",
            bottleneck.id
        );
    }
    for cocktail in &config.cocktails {
        assert!(!cocktail.tags.is_empty());
        assert!(
            cocktail.tags.windows(2).all(|w| w[0] < w[1]),
            "{}",
            cocktail.id
        );
        assert!(
            cocktail
                .tags
                .iter()
                .all(|t| t.index() < config.vocabulary.len())
        );
    }
    assert!(config.privacy.min_cell_size >= 1);
}

fuzz_target!(|data: &[u8]| {
    static DEFAULT: OnceLock<Config> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let default = DEFAULT.get_or_init(Config::default);
    match default.with_overrides(text, "fuzz") {
        Ok(config) => check(&config),
        Err(err) => assert!(err.to_string().contains("fuzz"), "{err}"),
    }
    if let Ok(config) = Config::from_toml_str(text, "fuzz") {
        check(&config);
    }
});
