// Moveworks requires the `Assistant-Name` header on every request, so the
// builder takes it up front: forgetting it does not compile.
fn main() {
    let _ = moveworks_client::Client::builder("token").build();
}
