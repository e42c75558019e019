export default function HomePage() {
  return <main className="p-8">Trading Platform dashboard: built by the dashboard issue.</main>;
}
