// `limit` is an integer in the spec, so a string is refused.
fn main() {
    let client = moveworks_client::Client::builder("token", "assistant").build().unwrap();
    let _ = client.list_conversation_messages("id").limit("50").send();
}
