pub mod godump;
