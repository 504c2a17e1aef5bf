//! The JSON bodies of Kring's HTTP API.
//!
//! One module per API version: `v1` is served under `/api/v1`. A version only
//! grows in ways old clients survive (new optional request fields, new response
//! fields); anything else is a new module and a new path prefix. These types
//! know nothing of the domain: the server translates at its edge.

pub mod v1;
