import type { Route } from '../app/router.ts';
import { Icon } from '../ui/Icon.tsx';

const ITEMS = [
  { label: 'Conversations', route: { view: 'home' } as Route, icon: 'M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z' },
  { label: 'New group', route: { view: 'new-group' } as Route, icon: 'M12 5v14M5 12h14' },
  {
    label: 'Friends',
    route: { view: 'friends' } as Route,
    icon: 'M16 11a4 4 0 1 0-8 0 4 4 0 0 0 8 0zM4 21a8 8 0 0 1 16 0',
  },
  {
    label: 'Settings',
    route: { view: 'settings' } as Route,
    icon: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 0 1-4 0v-.1A1.7 1.7 0 0 0 7 19.4l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1A1.7 1.7 0 0 0 3 14H3a2 2 0 0 1 0-4h.1A1.7 1.7 0 0 0 4.6 7l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1A1.7 1.7 0 0 0 10 3V3a2 2 0 0 1 4 0v.1A1.7 1.7 0 0 0 17 4.6l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1A1.7 1.7 0 0 0 21 10h.1a2 2 0 0 1 0 4H21a1.7 1.7 0 0 0-1.6 1z',
  },
];

/** The app's main navigation: the row of buttons at the bottom of the sidebar. */
export function NavBar(props: {
  route: Route;
  incomingRequests: number;
  onNavigate: (route: Route) => void;
  onSignOut: () => void;
}) {
  return (
    <nav aria-label="Main" className="mt-3 flex justify-around gap-2 pt-2">
      {ITEMS.map((item) => (
        <button
          key={item.label}
          type="button"
          title={item.label}
          aria-label={item.label}
          aria-current={props.route.view === item.route.view ? 'page' : undefined}
          onClick={() => props.onNavigate(item.route)}
          className="relative rounded-xl bg-raised p-3 text-fg hover:bg-line aria-[current=page]:bg-accent aria-[current=page]:text-on-accent"
        >
          <Icon d={item.icon} />
          {item.label === 'Friends' && props.incomingRequests > 0 && (
            <span className="absolute -top-1 -right-1 rounded-full bg-danger px-1.5 text-xs font-semibold text-on-danger">
              {props.incomingRequests}
            </span>
          )}
        </button>
      ))}
      <button
        type="button"
        title="Sign out"
        aria-label="Sign out"
        onClick={props.onSignOut}
        className="rounded-xl bg-raised p-3 text-fg hover:bg-line"
      >
        <Icon d="M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4M10 17l5-5-5-5M15 12H3" />
      </button>
    </nav>
  );
}
