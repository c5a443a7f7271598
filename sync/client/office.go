package client

// Office is the kiosk's side of its office's services at the portal —
// waiting numbers, appointments, held times, a case's state — over the
// client's connection and credential. The Client itself carries the
// outbox to the portal and the fleet's reports.
type Office struct{ c *Client }

// Office is the office's services through c.
func (c *Client) Office() Office { return Office{c} }
