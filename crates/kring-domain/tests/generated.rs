//! A circle's start, checked over many random histories (the test kit's
//! generator: a quarter of its circles are set up at the kitchen table, some
//! focus people claim their place, plans change): whatever happens, the
//! organisation that set a circle up never holds its consent before the
//! hand-over, the intermediary is out once it is handed over, and a claimed
//! place leaves no trace of the old id among the members.

use kring_domain::{Circle, CircleEvent};
use kring_testkit::history::{generate, Rng};

#[test]
fn a_circles_start_keeps_its_promises_in_every_generated_history() {
    let mut rng = Rng::new(20261208);
    // `during`: consents given (to another organisation) while a circle was set up.
    let (mut set_up, mut handed_over, mut claimed, mut during) = (0, 0, 0, 0);
    for history in generate(&mut rng, 160, 150) {
        let mut circle = Circle::default();
        for event in history.decisions.iter().flatten() {
            let before = circle.clone();
            circle.apply(event.clone());
            if before.set_up_by.is_some() && matches!(event, CircleEvent::ConsentGranted { .. }) {
                during += 1;
            }
            match event {
                CircleEvent::CircleSetUp { .. } => set_up += 1,
                CircleEvent::ConsentGranted { organisation, .. } => {
                    let still_set_up = before.set_up_by.map(|s| s.organisation);
                    assert_ne!(still_set_up, Some(*organisation), "{event:?}");
                }
                CircleEvent::CircleHandedOver { from, to, .. } => {
                    handed_over += 1;
                    assert!(before.set_up_by.is_some_and(|s| s.by == *from));
                    assert!(circle.is_coordinator(*to));
                }
                CircleEvent::MemberLeft { person, .. }
                    if before.set_up_by.is_some_and(|s| s.by == *person) =>
                {
                    assert_eq!(circle.set_up_by, None);
                }
                CircleEvent::FocusClaimed { person, was, .. } => {
                    claimed += 1;
                    assert!(circle.is_focus(*person) && circle.focus_has_account());
                    assert!(circle.member(*was).is_none());
                }
                _ => {}
            }
            // Handed over: the intermediary who set it up is no member.
            if let (Some(set_up), None) = (before.set_up_by, circle.set_up_by) {
                if !matches!(event, CircleEvent::CircleHandedOver { .. }) {
                    assert!(circle.member(set_up.by).is_none(), "{event:?}");
                }
            }
        }
    }
    // The histories did exercise what is checked.
    assert!(set_up > 3, "set up {set_up}");
    assert!(handed_over > 0, "handed over {handed_over}");
    assert!(claimed > 0, "claimed {claimed}");
    assert!(during > 0, "consent given while set up: {during}");
}
