/// Why a command was refused. Every message is meant for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The circle does not exist, or the actor may not know it does.
    #[error("there is no such circle")]
    NoSuchCircle,
    #[error("this circle already exists")]
    AlreadyExists,
    #[error("only {0} may do this")]
    NotAllowed(&'static str),
    #[error("{0}")]
    Invalid(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    #[error("there is no such {0} in this circle")]
    NotFound(&'static str),
    #[error("{what} {word:?} is unknown: use {expected}")]
    UnknownWord {
        what: &'static str,
        word: String,
        expected: &'static str,
    },
    #[error(
        "volunteers do not give personal care (washing, dressing, medication): \
         ask the home-care team or the GP (huisarts) for professional care"
    )]
    PersonalCareIsProfessional,
    #[error("finances, paperwork and emotional support stay within the warm ring")]
    PersonalMattersStayWarm,
}
