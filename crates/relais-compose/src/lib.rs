//! The composer's rules and checks (001 C2.3–C2.4, 003 C4, 000 2.2).
pub mod count;
pub mod spell;
pub mod rules;
