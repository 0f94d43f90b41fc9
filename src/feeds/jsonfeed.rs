//! Placeholder until the jsonfeed writer lands.

use anyhow::Result;

use crate::output::Output;
use crate::site::Site;

pub fn render(_site: &Site, _out: &mut Output) -> Result<()> {
    Ok(())
}
