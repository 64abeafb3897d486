//! Integration tests, in one binary: each runs the real `costsim` executable
//! in a fresh temporary folder on small traces whose results were computed by
//! hand (the arithmetic is in the comments), or drives the library directly
//! for property tests.

mod app_service;
mod autoscaling;
mod bad_input;
mod breakeven;
mod cli_contracts;
mod client_timeouts;
mod cloud_run;
mod cluster;
mod compare_command;
mod eras;
mod fargate;
mod fast_paths;
mod fill_repeat;
mod flat_plans;
mod fuzz_cases;
mod fuzz_end_to_end;
mod fuzz_parsers;
mod hardening;
mod idle_meaning;
mod landscapes;
mod long_spans;
mod micro_traces;
mod montecarlo;
mod one_read;
mod pool_and_vm_billing;
mod pricing_commands;
mod properties;
mod queueing;
mod report_browser;
mod report_kill;
mod resample;
mod seam;
mod services;
mod setting_ranges;
mod speed_model;
mod support;
mod sweep_command;
mod sweep_grid;
mod sweep_merge;
mod sweep_run;
mod trace_commands;
mod verdicts;
mod worked_examples;
mod workers;
