// A request built and never sent is a bug; the request builders are `#[must_use]`.
#![deny(unused_must_use)]

fn main() {
    let client = nairi_client::Client::builder("token").build().unwrap();
    client.list_messages("job id");
}
