// The conversation id is a path parameter: the operation takes it, there is no default.
fn main() {
    let client = agentmessage_client::Client::builder("token").build().unwrap();
    let _ = client.list_conversation_messages().send();
}
