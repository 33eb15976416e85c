// KrosAI's operation documents no pagination, so there is no cursor to set.
fn main() {
    let client = krosai_client::Client::builder("token").build().unwrap();
    let _ = client.get_conversation_messages("id").cursor("c").send();
}
