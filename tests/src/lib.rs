//! The harness of the end-to-end tests: real `kring serve` processes
//! ([`Node`]) on either backend ([`Backend`]), and clients that speak to them
//! only over HTTP and WebSocket ([`Client`]), as a phone or an attacker would.
//!
//! Every process a test starts is killed when its guard is dropped, also when
//! the test fails; every wait has a deadline.

mod client;
mod node;

pub use client::{mailed_link, Answer, Client, Socket, PASSWORD};
pub use node::{binary, Backend, Node};
