//! `/me/delete`: deleting one's own account. The page says plainly what
//! happens, asks for the password, and the post deletes through the API,
//! passes on its cookie removal and shows, signed out, that it is done.

use axum::response::Response;
use http::header::SET_COOKIE;
use http::{Method, StatusCode};
use kring_protocol::v1;
use maud::html;

use crate::ctx::{see_other, see_other_with, Ctx, Flash};
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;

const PATH: &str = "/me/delete";

pub async fn show(ctx: Ctx) -> Response {
    if !ctx.signed_in {
        return see_other(&crate::ctx::login_for(PATH));
    }
    let content = html! {
        h1 { (ctx.t(T::DeleteAccountTitle)) }
        p { (ctx.t(T::DeleteAccountIntro)) }
        ul {
            li { (ctx.t(T::DeleteAccountCircles)) }
            li { (ctx.t(T::DeleteAccountOpen)) }
            li { (ctx.t(T::DeleteAccountData)) }
            li { (ctx.t(T::DeleteAccountAddress)) }
        }
        p { strong { (ctx.t(T::DeleteAccountNoUndo)) } }
        form.stack method="post" action=(PATH) {
            div.field {
                label for="delete-password" { (ctx.t(T::DeleteAccountPassword)) }
                input #delete-password type="password" name="password" required
                    autocomplete="current-password";
            }
            button type="submit" { (ctx.t(T::DeleteAccountButton)) }
        }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(&ctx, ctx.t(T::DeleteAccountTitle), None, content),
    )
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let body = v1::DeleteAccount {
        password: fields.text("password"),
    };
    match ctx
        .client
        .send(Method::POST, "/me/deletion", Some(&body))
        .await
    {
        Ok(answer) => {
            let mut response = see_other_with("/", &Flash::Done(ctx.t(T::AccountDeleted).into()));
            for cookie in answer.headers.get_all(SET_COOKIE) {
                response.headers_mut().append(SET_COOKIE, cookie.clone());
            }
            response
        }
        Err(failure) => ctx.refused(failure, PATH),
    }
}
