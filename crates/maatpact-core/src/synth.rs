//! Seeded synthetic case records with a known truth. (Being written: see the synth helper.)
