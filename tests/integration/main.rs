//! Integration tests, in one binary: each runs the real `costsim` executable
//! in a fresh temporary folder on small traces whose results were computed by
//! hand (the arithmetic is in the comments), or drives the library directly
//! for property tests.

mod bad_input;
mod micro_traces;
mod pricing_commands;
mod properties;
mod support;
mod worked_examples;
