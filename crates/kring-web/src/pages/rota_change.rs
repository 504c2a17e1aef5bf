//! Changing a date of the rota, or a weekly shift from that date on: another
//! time of day or length (coordinators). The day stays; whoever is on a
//! changed date is told by mail.

use axum::extract::Path;
use axum::response::Response;
use kring_protocol::v1;
use maud::{html, Markup};

use super::rota::{back, incomplete, shift_date};
use super::{changed, id};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::T;
use crate::layout::{for_reader, hidden};

/// The form under a slot, filled in with the slot's time and length.
pub fn form(
    ctx: &Ctx,
    base: &str,
    here: &str,
    key: &str,
    slot: &v1::RotaSlot,
    what: &str,
) -> Markup {
    let time = slot.starts_local.format("%H:%M").to_string();
    html! {
        details #(format!("change-{key}")) {
            summary { (ctx.t(T::ChangeTiming)) (for_reader(&format!(": {what}"))) }
            form.stack method="post" action=(format!("{base}/rota/change")) {
                (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                div.field {
                    label for=(format!("time-{key}")) { (ctx.t(T::ChangeTime)) }
                    input #(format!("time-{key}")) type="time" name="time" required value=(time);
                }
                div.field {
                    label for=(format!("minutes-{key}")) { (ctx.t(T::ChangeMinutes)) }
                    input #(format!("minutes-{key}")) type="number" name="duration_minutes" required
                        min="5" max="4320" value=(slot.duration_minutes);
                }
                div.actions {
                    button type="submit" name="scope" value="date" { (ctx.t(T::ChangeThisDate)) }
                    @if slot.weekly {
                        " "
                        button.secondary type="submit" name="scope" value="series" { (ctx.t(T::ChangeFromThisDate)) }
                    }
                }
            }
        }
    }
}

/// `POST /circles/{id}/rota/change`: the date only, or (`scope=series`) the
/// weekly shift from that date on.
pub async fn change(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let (Some((shift, date)), Some(time), Some(minutes)) = (
        shift_date(&fields),
        fields.get("time"),
        fields.parse::<u16>("duration_minutes"),
    ) else {
        return ctx.refused(incomplete(&ctx), &back(&fields, circle, None));
    };
    let back = back(&fields, circle, Some(date));
    let step = match fields.get("scope") {
        Some("series") => "change-series",
        _ => "change",
    };
    let body = v1::ChangeShiftTiming {
        // A browser's time field may send seconds.
        time: time.get(..5).unwrap_or(time).to_owned(),
        duration_minutes: minutes,
    };
    let path = format!("/circles/{circle}/shifts/{shift}/dates/{date}/{step}");
    let outcome = ctx.client.post::<_, v1::Changed>(&path, &body).await;
    ctx.after(changed(outcome), &back, T::TimingChanged)
}
