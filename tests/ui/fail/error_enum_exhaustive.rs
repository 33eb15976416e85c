// The error enum has one variant per documented status and no wildcard
// variant: when the spec documents a new status, a match without `_` stops
// compiling and says which variant is new.
use moveworks_client::ListConversationMessagesError;

fn describe(error: &ListConversationMessagesError) -> &'static str {
    match error {
        ListConversationMessagesError::BadRequest(_) => "bad request",
        ListConversationMessagesError::Unauthorized(_) => "unauthorized",
        ListConversationMessagesError::NotFound(_) => "not found",
        ListConversationMessagesError::InternalServerError(_) => "internal error",
    }
}

fn main() {
    let _ = describe;
}
