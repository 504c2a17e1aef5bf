//! Mail: the links in mails (`/links/{token}`) and a person's mail
//! preferences (`/me/mail`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Category;

/// What a link in a mail does when its page's button is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    VerifyEmail,
    ResetPassword,
    /// "I'll do it": take an open request.
    ClaimRequest,
    AcceptSwap,
    DeclineSwap,
    /// Stop mails of one topic from one circle.
    Unsubscribe,
    CircleInvitation,
    ColleagueInvitation,
    /// An invitation to volunteer for an organisation's marketplace (it opens
    /// the sign-up page, whose form uses it once).
    VolunteerInvitation,
}

/// Whether a link still works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// It can be used.
    Valid,
    /// It was used already (links of one use).
    Used,
    /// Its time is over.
    Expired,
    /// What it is about is settled: the request was taken or closed, the swap
    /// answered or called off.
    Settled,
}

/// What a link is, without using it. It tells no more than the mail did: the
/// kind of thing and its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LinkInfo {
    pub purpose: LinkPurpose,
    pub state: LinkState,
    /// The circle it is about (to link to it), for the links of a circle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circle: Option<Uuid>,
    /// The kind of help asked, when a mail may name it; absent for personal
    /// care and personal matters (then it is just "help").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// When the request or the shift starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<DateTime<Utc>>,
    /// The circle's time zone, to show `starts` as the mail did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// What an unsubscribe link stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<MailTopic>,
    /// For an invitation to an organisation: its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// `POST /api/v1/links/{token}`: a reset link needs the new password; no
/// other link reads a body.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UseLink {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

// By hand, so a password never ends up in a log line.
impl std::fmt::Debug for UseLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UseLink").finish_non_exhaustive()
    }
}

/// What using a link did (200).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LinkUsed {
    pub purpose: LinkPurpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circle: Option<Uuid>,
    /// The circle's version after it, for a change in a circle (`min_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<MailTopic>,
    /// The organisation an accepted invitation joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Uuid>,
}

/// What a person can hear of by mail, each on its own switch.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MailTopic {
    /// A request open to your ring.
    RequestOpen,
    /// A request you took was confirmed, cancelled or thanked.
    MyRequests,
    /// Changes to your shifts: a swap proposed to you, the answer to yours,
    /// a date you were on cancelled.
    Swaps,
    /// Before your shifts and the requests you took.
    Reminders,
    /// For coordinators: new members, open places, unanswered requests.
    Coordination,
    /// For coordinators: who of an organisation looked at the circle.
    Looks,
    /// For intermediaries: a consenting circle crossed one of the organisation's thresholds.
    Thresholds,
    /// For volunteers: requests on an organisation's marketplace that fit them;
    /// for matchmakers: new listings and volunteers offering themselves. Not per circle.
    Marketplace,
    /// For every member: the circle paused, resumed or ended.
    CircleLife,
}

impl MailTopic {
    pub const ALL: [MailTopic; 9] = [
        MailTopic::RequestOpen,
        MailTopic::MyRequests,
        MailTopic::Swaps,
        MailTopic::Reminders,
        MailTopic::Coordination,
        MailTopic::Looks,
        MailTopic::Thresholds,
        MailTopic::Marketplace,
        MailTopic::CircleLife,
    ];

    /// Whether a circle may set it for itself (the marketplace names no circle).
    pub fn per_circle(self) -> bool {
        self != MailTopic::Marketplace
    }
}

/// How a topic reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailDelivery {
    Off,
    /// Each in a mail of its own, right away (after quiet hours).
    Now,
    /// In one mail a day, at 08:00.
    Daily,
    /// In one mail a week, on Monday at 08:00.
    Weekly,
}

impl MailDelivery {
    pub const ALL: [MailDelivery; 4] = [
        MailDelivery::Off,
        MailDelivery::Now,
        MailDelivery::Daily,
        MailDelivery::Weekly,
    ];
}

/// The language of a person's mails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailLanguage {
    Nl,
    En,
}

/// One topic's delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TopicDelivery {
    pub topic: MailTopic,
    pub delivery: MailDelivery,
}

/// The deliveries chosen for one circle, above the general ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CircleMail {
    pub circle: Uuid,
    pub topics: Vec<TopicDelivery>,
}

/// A person's mail preferences (`GET` and `PUT /me/mail`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MailPreferences {
    pub language: MailLanguage,
    /// An IANA time zone, e.g. `Europe/Amsterdam`: quiet hours and digests
    /// are in it.
    pub time_zone: String,
    /// No mail from `quiet_from` until `quiet_until` (`HH:MM`, local; may
    /// span midnight). Both or neither.
    #[serde(default)]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub quiet_from: Option<String>,
    #[serde(default)]
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub quiet_until: Option<String>,
    /// A reminder at 19:00 the evening before.
    pub evening_before: bool,
    /// A reminder this many hours before (0 to 48; 0: none).
    #[schema(maximum = 48)]
    pub remind_hours_before: u8,
    /// Every topic's delivery for all circles (read: every topic; written:
    /// those not named keep their default).
    pub topics: Vec<TopicDelivery>,
    /// Per circle, the topics set otherwise than above.
    #[serde(default)]
    pub circles: Vec<CircleMail>,
}
