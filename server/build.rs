//! `sqlx::migrate!` embeds the migration files at compile time, and cargo
//! does not know it reads them: without this, a new or edited migration
//! would not reach the binary until something else changed. (A directory
//! here is scanned whole, subfolders included.)

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
