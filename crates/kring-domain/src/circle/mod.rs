//! The circle around a person who needs care: one aggregate, one stream.

mod apply;
pub mod audience;
pub mod commands;
mod decide;
pub mod events;
pub mod state;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

use crate::{DomainError, Services};
pub use state::Circle;

impl Aggregate for Circle {
    const TYPE: &'static str = "circle";
    type Command = commands::CircleCommand;
    type Event = events::CircleEvent;
    type Error = DomainError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Services,
        sink: &EventSink<Self>,
    ) -> Result<(), DomainError> {
        for event in self.decide(command, services.clock.now())? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        Circle::apply(self, event);
    }
}
