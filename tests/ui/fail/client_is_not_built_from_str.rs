// The token is text; an integer is refused.
fn main() {
    let _ = nairi_client::Client::builder(12345).build();
}
